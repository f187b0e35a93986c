using Aigis.Sim.Metrics;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>Accepts or refuses a generation request and decides its answer.</summary>
/// <remarks>
/// Refuses models the simulator does not serve (404) and requests that do not fit the context
/// window (400, as vLLM). Without max_tokens, an answer that would overflow the window is cut
/// where it ends, with finish_reason "length".
/// </remarks>
internal sealed class TextGenerationPlanner
{
    private readonly ServedModels _models;
    private readonly CompletionTextGenerator _text;
    private readonly int _maxModelLength;

    public TextGenerationPlanner(ServedModels models, CompletionTextGenerator text, int maxModelLength)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxModelLength);
        _models = models;
        _text = text;
        _maxModelLength = maxModelLength;
    }

    public ApiError? Plan(TextGenerationRequest request, out PlannedGeneration plan)
    {
        ArgumentNullException.ThrowIfNull(request);
        plan = null!;
        var metrics = _models.Find(request.Model);
        if (metrics is null)
        {
            return ApiError.ModelNotFound(request.Model);
        }

        var room = _maxModelLength - request.PromptTokens;
        if (room < 1 || request.MaxTokens > room)
        {
            var asked = request.MaxTokens ?? 1;
            return ApiError.InvalidRequest(
                $"This model's maximum context length is {_maxModelLength} tokens. However, you requested {request.PromptTokens + asked} tokens ({request.PromptTokens} in the {request.PromptParam}, {asked} in the completion). Please reduce the length of the {request.PromptParam} or completion.",
                request.PromptParam,
                "context_length_exceeded");
        }

        var completion = _text.Generate(request.PromptHash, request.MaxTokens);
        if (completion.Tokens.Count > room)
        {
            completion = new GeneratedCompletion([.. completion.Tokens.Take(room)], FinishReason.Length);
        }

        plan = new PlannedGeneration(request, metrics, completion);
        return null;
    }
}

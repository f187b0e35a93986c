using System.Text.Json;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>Reads a chat or text completion request body into a <see cref="TextGenerationRequest"/>.</summary>
internal delegate ApiError? GenerationRequestReader(JsonElement root, PromptTokenCounter counter, out TextGenerationRequest request);

/// <summary>Takes a generation request from body to plan, answering refusals itself.</summary>
internal static class GenerationRequestIntake
{
    /// <summary>The accepted plan, or null when the request was refused and the error already written.</summary>
    public static async Task<PlannedGeneration?> AcceptAsync(HttpContext context, GenerationRequestReader reader, PromptTokenCounter counter, TextGenerationPlanner planner)
    {
        var (document, bodyError) = await JsonRequestBody.ReadAsync(context);
        if (document is null)
        {
            await bodyError!.WriteAsync(context);
            return null;
        }

        ApiError? error;
        PlannedGeneration? plan = null;
        using (document)
        {
            error = reader(document.RootElement, counter, out var request) ?? planner.Plan(request, out plan);
        }

        if (error is not null)
        {
            await error.WriteAsync(context);
            return null;
        }

        return plan;
    }
}

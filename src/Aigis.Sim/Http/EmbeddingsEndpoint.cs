using System.Buffers.Binary;
using Aigis.Sim.Engine;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Metrics;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>POST /v1/embeddings: deterministic unit vectors, as JSON floats or base64.</summary>
/// <remarks>The answer waits for the prefill of all inputs, as an embedding model's forward pass would.</remarks>
internal sealed class EmbeddingsEndpoint
{
    private const string EmbeddingObject = "embedding";

    private readonly PromptTokenCounter _counter;
    private readonly EmbeddingGenerator _embeddings;
    private readonly ServedModels _models;
    private readonly GenerationEngine _engine;
    private readonly CancellationToken _serverStopping;

    public EmbeddingsEndpoint(PromptTokenCounter counter, EmbeddingGenerator embeddings, ServedModels models, GenerationEngine engine, CancellationToken serverStopping)
    {
        _counter = counter;
        _embeddings = embeddings;
        _models = models;
        _engine = engine;
        _serverStopping = serverStopping;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var (document, bodyError) = await JsonRequestBody.ReadAsync(context);
        if (document is null)
        {
            await bodyError!.WriteAsync(context);
            return;
        }

        ApiError? error;
        EmbeddingRequest request;
        using (document)
        {
            error = EmbeddingRequestReader.Read(document.RootElement, out request);
        }

        var metrics = error is null ? _models.Find(request.Model) : null;
        error ??= metrics is null ? ApiError.ModelNotFound(request.Model) : null;
        error ??= request.Dimensions > _embeddings.Dimensions
            ? ApiError.InvalidRequest($"Invalid 'dimensions': this model produces at most {_embeddings.Dimensions}.", "dimensions")
            : null;
        if (error is not null)
        {
            await error.WriteAsync(context);
            return;
        }

        using var cancellation = GenerationCancellation.Create(context, _serverStopping);
        try
        {
            await AnswerAsync(context, request, metrics!, cancellation.Token);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await GenerationCancellation.AnswerIfPossibleAsync(context);
        }
    }

    private async Task AnswerAsync(HttpContext context, EmbeddingRequest request, ModelMetrics metrics, CancellationToken cancellationToken)
    {
        var tokens = new PromptTokens(_counter);
        foreach (var input in request.Inputs)
        {
            tokens.AddText(input);
        }

        var promptTokens = tokens.Count;
        await _engine.CompleteAsync(new GenerationJob(metrics, tokens.ToArray(), CompletionTokens: 0), cancellationToken);
        var dimensions = request.Dimensions ?? _embeddings.Dimensions;
        var usage = new EmbeddingUsage(promptTokens, promptTokens);
        if (request.Base64)
        {
            var items = new EmbeddingItem<string>[request.Inputs.Count];
            for (var index = 0; index < items.Length; index++)
            {
                items[index] = new(EmbeddingObject, index, ToBase64(_embeddings.Embed(request.Inputs[index], dimensions)));
            }

            var list = new EmbeddingList<string>("list", items, request.Model, usage);
            await context.Response.WriteAsJsonAsync(list, SimJson.Context.EmbeddingListString, contentType: null, cancellationToken);
        }
        else
        {
            var items = new EmbeddingItem<float[]>[request.Inputs.Count];
            for (var index = 0; index < items.Length; index++)
            {
                items[index] = new(EmbeddingObject, index, _embeddings.Embed(request.Inputs[index], dimensions));
            }

            var list = new EmbeddingList<float[]>("list", items, request.Model, usage);
            await context.Response.WriteAsJsonAsync(list, SimJson.Context.EmbeddingListSingleArray, contentType: null, cancellationToken);
        }
    }

    /// <summary>OpenAI's base64 format: the vector's float32 values, little-endian, base64-encoded.</summary>
    private static string ToBase64(float[] vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var index = 0; index < vector.Length; index++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(index * sizeof(float)), vector[index]);
        }

        return Convert.ToBase64String(bytes);
    }
}

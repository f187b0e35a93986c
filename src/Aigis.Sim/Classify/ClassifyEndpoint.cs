using Aigis.Sim.Http;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Metrics;
using Microsoft.AspNetCore.Http.Features;

namespace Aigis.Sim.Classify;

/// <summary>POST /v1/classify: deterministic labels for a base64 image or an image URL, after a size-dependent delay.</summary>
internal sealed class ClassifyEndpoint
{
    // Room in a body for everything but the image: model name, top_k, whitespace.
    private const long JsonAllowance = 64 * 1024;

    private readonly ImageClassifier _classifier;
    private readonly ClassifyTiming _timing;
    private readonly ServedModels _models;
    private readonly ClassifyMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly long _maxImageBytes;
    private readonly long _maxBodyBytes;
    private readonly CancellationToken _serverStopping;

    public ClassifyEndpoint(SimOptions options, ServedModels models, ClassifyMetrics metrics, TimeProvider timeProvider, CancellationToken serverStopping)
    {
        ArgumentNullException.ThrowIfNull(options);
        _classifier = new ImageClassifier(options.Seed);
        _timing = new ClassifyTiming(options.Classifier, timeProvider, options.TimeScale);
        _models = models;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _maxImageBytes = options.Classifier.MaxImageBytes;
        _maxBodyBytes = (((_maxImageBytes + 2) / 3) * 4) + JsonAllowance;
        _serverStopping = serverStopping;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var start = _timeProvider.GetTimestamp();
        var model = await ServeAsync(context, start);
        var status = context.Response.HasStarted || !context.RequestAborted.IsCancellationRequested
            ? context.Response.StatusCode
            : StatusCodes.Status499ClientClosedRequest;
        _metrics.CountRequest(model, status);
    }

    /// <summary>Answers the request; returns the served model it named, or null.</summary>
    private async Task<string?> ServeAsync(HttpContext context, long start)
    {
        var (request, error) = await ReadAsync(context);
        var metrics = request is null ? null : _models.Find(request.Model);
        error ??= metrics is null ? ApiError.ModelNotFound(request!.Model) : null;
        if (error is not null)
        {
            await error.WriteAsync(context);
            return metrics?.ModelName;
        }

        metrics!.RequestStarted();
        using var cancellation = GenerationCancellation.Create(context, _serverStopping);
        try
        {
            await _timing.WaitAsync(start, request!.ImageBytes, cancellation.Token);
            var identity = ResponseIdentity.New("cls-", _timeProvider);
            var answer = new Classification(identity.Id, "classification", identity.Created, request.Model, _classifier.Classify(request.InputDigest, request.TopK));
            _metrics.ObserveLatency(metrics.ModelName, _timeProvider.GetElapsedTime(start));
            await context.Response.WriteAsJsonAsync(answer, SimJson.Context.Classification, contentType: null, cancellation.Token);
            metrics.RequestSucceeded();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await GenerationCancellation.AnswerIfPossibleAsync(context);
        }
        finally
        {
            metrics.RequestEnded();
        }

        return metrics.ModelName;
    }

    private async Task<(ClassifyRequest? Request, ApiError? Error)> ReadAsync(HttpContext context)
    {
        // Refuse an oversized body from its Content-Length alone, before a byte of it is read.
        if (context.Request.ContentLength > _maxBodyBytes)
        {
            return (null, ClassifyErrors.ImageTooLarge($"The request body is {context.Request.ContentLength} bytes; an image of at most {_maxImageBytes} bytes needs at most {_maxBodyBytes}."));
        }

        // A chunked body has no Content-Length: Kestrel stops reading it at the same bound.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = _maxBodyBytes;
        }

        (System.Text.Json.JsonDocument? Document, ApiError? Error) body;
        try
        {
            body = await JsonRequestBody.ReadAsync(context);
        }
        catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's refusal of a body over the bound; answered in OpenAI's shape like every other refusal.
            return (null, ClassifyErrors.ImageTooLarge($"The request body exceeds {_maxBodyBytes} bytes."));
        }

        if (body.Document is null)
        {
            return (null, body.Error);
        }

        using (body.Document)
        {
            var error = ClassifyRequestReader.Read(body.Document.RootElement, _maxImageBytes, out var request);
            return error is null ? (request, null) : (null, error);
        }
    }
}

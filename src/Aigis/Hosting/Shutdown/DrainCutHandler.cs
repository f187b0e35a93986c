namespace Aigis.Hosting.Shutdown;

/// <summary>
/// Sits in every upstream client and ends its exchange when the drain is cut. Before the upstream's headers the
/// call is cancelled (the forwarder then answers 503 <c>shutting_down</c>); after them, the body is wrapped so that
/// at the cut a server-sent event stream ends with an OpenAI-shaped error event and no <c>[DONE]</c>, and any other
/// body fails mid-way, so the client connection is aborted rather than ended as if the body were whole.
/// </summary>
internal sealed class DrainCutHandler(ShutdownDrain drain) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (drain.IsCut)
        {
            throw new OperationCanceledException(drain.Cut);
        }

        HttpResponseMessage response;
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain.Cut))
        {
            // The token bounds the wait for headers only: with ResponseHeadersRead the body is read on its own.
            response = await base.SendAsync(request, linked.Token);
        }

        var isEventStream = string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        response.Content = new DrainCutContent(response.Content, drain, isEventStream);
        return response;
    }
}

/// <summary>An upstream body that ends on the drain's cut: with an error event for a stream, with a failure otherwise.</summary>
internal sealed class DrainCutContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ShutdownDrain _drain;
    private readonly bool _isEventStream;

    public DrainCutContent(HttpContent inner, ShutdownDrain drain, bool isEventStream)
    {
        _inner = inner;
        _drain = drain;
        _isEventStream = isEventStream;
        foreach (var (name, values) in inner.Headers)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new DrainCutStream(await _inner.ReadAsStreamAsync(cancellationToken), _drain, _isEventStream);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        await using var body = await CreateContentReadStreamAsync(CancellationToken.None);
        await body.CopyToAsync(stream);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

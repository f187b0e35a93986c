namespace Aigis.Hosting.Shutdown;

/// <summary>
/// Sits in every upstream client and ends its exchange when the drain is cut. Before the upstream's headers the
/// call is cancelled (the forwarder then answers 503 <c>shutting_down</c>); after them, the body is wrapped so that
/// its reads fail at the cut (<see cref="DrainCutStream"/>), which the response guard turns into an error event.
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

        response.Content = new DrainCutContent(response.Content, drain);
        return response;
    }
}

/// <summary>An upstream body whose reads fail at the drain's cut.</summary>
internal sealed class DrainCutContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ShutdownDrain _drain;

    public DrainCutContent(HttpContent inner, ShutdownDrain drain)
    {
        _inner = inner;
        _drain = drain;
        foreach (var (name, values) in inner.Headers)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new DrainCutStream(await _inner.ReadAsStreamAsync(cancellationToken), _drain);

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

namespace Aigis.Proxy;

/// <summary>
/// Bounds the wait for an upstream's response headers by the attempt's first-byte (or total) deadline. YARP's own
/// activity timeout cannot do it: it also runs between body chunks, where the idle timeout applies instead, and a
/// timeout there must end a stream with an error event, not an aborted connection.
/// </summary>
internal sealed class FirstByteTimeoutHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(UpstreamAttempt.OptionKey, out var attempt))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        using var deadline = new CancellationTokenSource(attempt.Until(attempt.FirstByteDeadline), attempt.Time);
        using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        try
        {
            return await base.SendAsync(request, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            attempt.Failure = attempt.FirstByteDeadlineKind;
            throw new TimeoutException("The upstream did not answer within the first-byte timeout.");
        }
    }
}

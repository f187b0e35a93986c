namespace Aigis.Proxy;

/// <summary>
/// Bounds the wait for an upstream's response headers by the attempt's first-byte (or total) deadline, and ends it at
/// the shutdown drain's cut, both through the attempt's <see cref="UpstreamDeadline"/>. YARP's own activity timeout
/// cannot do it: it also runs between body chunks, where the idle timeout applies instead, and a timeout there must
/// end a stream with an error event, not an aborted connection.
/// </summary>
/// <remarks>
/// A cut before the headers is an <see cref="OperationCanceledException"/> (the forwarder answers 503
/// <c>shutting_down</c>); the body's reads are bounded and cut by <see cref="GuardedResponseContent"/> with the same deadline.
/// </remarks>
internal sealed class UpstreamDeadlineHandler(Hosting.Shutdown.ShutdownDrain drain, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (drain.IsCut)
        {
            throw new OperationCanceledException(drain.Cut);
        }

        if (!request.Options.TryGetValue(UpstreamAttempt.OptionKey, out var attempt))
        {
            return await base.SendAsync(request, cancellationToken);
        }

        var deadline = attempt.Deadline;
        deadline.Link(cancellationToken);
        if (!deadline.Arm(attempt.Until(attempt.FirstByteDeadline)))
        {
            attempt.Failure = attempt.FirstByteDeadlineKind;
            throw new TimeoutException("The upstream's first-byte deadline had passed before the request was sent.");
        }

        try
        {
            return await base.SendAsync(request, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.HasExpired && !cancellationToken.IsCancellationRequested)
        {
            attempt.Failure = attempt.FirstByteDeadlineKind;
            throw new TimeoutException("The upstream did not answer within the first-byte timeout.");
        }
        finally
        {
            // The body's reads arm it again, each for its own wait.
            deadline.Disarm();
        }
    }
}

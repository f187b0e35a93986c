namespace Aigis.Hosting.Shutdown;

/// <summary>
/// The graceful-shutdown clock. At shutdown the public listener stops accepting and in-flight requests and streams
/// may finish until the drain deadline; a little before it, <see cref="Cut"/> fires and what is still running is
/// ended on purpose, each in a way that cannot pass for a clean finish (<see cref="Proxy.UpstreamDeadline"/>): a request
/// still waiting for its upstream's headers gets 503 <c>shutting_down</c>, a stream gets an error event and no
/// <c>[DONE]</c>. Only what ignores even that is aborted by Kestrel at the deadline itself.
/// </summary>
internal sealed class ShutdownDrain : IDisposable
{
    /// <summary>Most time between the cut and the deadline: enough to write an error event and end a response.</summary>
    public static readonly TimeSpan MaxCutMargin = TimeSpan.FromSeconds(1);

    private readonly CancellationTokenSource _cut;

    public ShutdownDrain(TimeProvider time)
    {
        // Built with the time provider, so CancelAfter runs on the injected clock.
        _cut = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
        Cut = _cut.Token;
    }

    /// <summary>Fires when what is still in flight must be cut.</summary>
    public CancellationToken Cut { get; }

    public bool IsCut => Cut.IsCancellationRequested;

    /// <summary>When, after <see cref="Begin"/>, the cut comes for a drain of <paramref name="timeout"/>.</summary>
    public static TimeSpan CutAfter(TimeSpan timeout)
    {
        var margin = TimeSpan.FromTicks(Math.Min(MaxCutMargin.Ticks, timeout.Ticks / 4));
        return timeout - margin;
    }

    /// <summary>Starts the drain: the cut comes a margin before <paramref name="timeout"/> from now.</summary>
    public void Begin(TimeSpan timeout) => _cut.CancelAfter(CutAfter(timeout));

    public void Dispose() => _cut.Dispose();
}

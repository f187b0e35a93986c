namespace Aigis.Sim.Engine;

/// <summary>Waits for simulated durations on a <see cref="TimeProvider"/>, compressed by the time scale.</summary>
/// <remarks>
/// Waits are deadlines measured from a fixed start rather than one delay after another, so timer
/// overshoot does not pile up over a long stream of tokens. Task.Delay with a TimeProvider
/// truncates to whole milliseconds, so a wait is rounded up: a token is never early, and a
/// fraction of a millisecond saved or lost is caught up by the next deadline.
/// </remarks>
internal sealed class SimulatedClock
{
    private readonly double _timeScale;

    public SimulatedClock(TimeProvider timeProvider, double timeScale)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeScale);
        TimeProvider = timeProvider;
        _timeScale = timeScale;
    }

    /// <summary>The clock every wait goes through.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>A monotonic timestamp to measure deadlines from.</summary>
    public long GetTimestamp() => TimeProvider.GetTimestamp();

    /// <summary>Completes once <paramref name="simulatedOffset"/> (scaled) has passed since <paramref name="startTimestamp"/>.</summary>
    public Task WaitUntilAsync(long startTimestamp, TimeSpan simulatedOffset, CancellationToken cancellationToken)
    {
        var remaining = (simulatedOffset / _timeScale) - TimeProvider.GetElapsedTime(startTimestamp);
        if (remaining > TimeSpan.Zero)
        {
            return Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), TimeProvider, cancellationToken);
        }

        return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
    }
}

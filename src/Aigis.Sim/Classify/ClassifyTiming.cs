namespace Aigis.Sim.Classify;

/// <summary>How long a classification takes, and the wait for it.</summary>
/// <remarks>
/// latency = base + MiB of decoded image × cost per MiB, in simulated time; the wait divides it by
/// the time scale and goes through the injected <see cref="TimeProvider"/>, so tests can fake it.
/// </remarks>
internal sealed class ClassifyTiming
{
    private readonly TimeSpan _base;
    private readonly double _ticksPerByte;
    private readonly TimeProvider _timeProvider;
    private readonly double _timeScale;

    public ClassifyTiming(ClassifierOptions options, TimeProvider timeProvider, double timeScale)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeScale);
        _base = options.BaseLatency;
        _ticksPerByte = options.LatencyPerMiB.Ticks / (double)ClassifierOptions.MiB;
        _timeProvider = timeProvider;
        _timeScale = timeScale;
    }

    /// <summary>Simulated time to classify an image of <paramref name="imageBytes"/> bytes.</summary>
    public TimeSpan Latency(long imageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(imageBytes);
        return _base + TimeSpan.FromTicks((long)Math.Round(_ticksPerByte * imageBytes));
    }

    /// <summary>Waits for <see cref="Latency"/>, scaled, measured from <paramref name="startTimestamp"/>.</summary>
    /// <remarks>Measured from the request's arrival, so reading and decoding a large body count towards it.</remarks>
    public Task WaitAsync(long startTimestamp, long imageBytes, CancellationToken cancellationToken)
    {
        var remaining = (Latency(imageBytes) / _timeScale) - _timeProvider.GetElapsedTime(startTimestamp);
        if (remaining <= TimeSpan.Zero)
        {
            return cancellationToken.IsCancellationRequested ? Task.FromCanceled(cancellationToken) : Task.CompletedTask;
        }

        // Task.Delay truncates to whole milliseconds: round up so an answer is never early.
        return Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)), _timeProvider, cancellationToken);
    }
}

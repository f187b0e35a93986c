namespace Aigis.Bench.Routing.Simulation;

/// <summary>
/// A <see cref="TimeProvider"/> whose time is the simulation's virtual time, so the real policies (which measure
/// ages and decay through a TimeProvider) live in the simulated world. Only the driver moves it, forward only.
/// </summary>
internal sealed class VirtualClock : TimeProvider
{
    // Timestamp 0 means "never" to some consumers (PeakEwma); virtual time 0 must not be it.
    private const long Epoch = TimeSpan.TicksPerDay;
    private static readonly DateTimeOffset s_start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private double _nowMs;

    public double NowMs
    {
        get => _nowMs;
        set
        {
            if (value < _nowMs)
            {
                throw new InvalidOperationException($"Virtual time cannot go back from {_nowMs} ms to {value} ms.");
            }

            _nowMs = value;
        }
    }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Epoch + (long)(_nowMs * TimeSpan.TicksPerMillisecond);

    public override DateTimeOffset GetUtcNow() => s_start.AddTicks((long)(_nowMs * TimeSpan.TicksPerMillisecond));
}

namespace Aigis.Core.Routing;

/// <summary>
/// A latency estimate that jumps up to a worse sample at once and decays back toward better ones with time
/// constant tau: Finagle's and Linkerd's "peak EWMA". Updated lock-free; a lost race loses one sample.
/// </summary>
public sealed class PeakEwma(TimeSpan tau)
{
    private readonly double _tauTicks = tau.Ticks;
    private State _state = new(0, 0);

    /// <summary>The current estimate in milliseconds, or 0 before any sample.</summary>
    public double EstimateMs(long nowTimestamp, TimeProvider time)
    {
        var state = Volatile.Read(ref _state);
        if (state.Timestamp == 0)
        {
            return 0;
        }

        // Decay toward zero while no samples come, so an instance that was slow once gets tried again.
        var idle = time.GetElapsedTime(state.Timestamp, nowTimestamp).Ticks;
        return state.Ms * Math.Exp(-Math.Max(idle, 0) / _tauTicks);
    }

    public void Record(TimeSpan latency, long nowTimestamp, TimeProvider time)
    {
        var sample = latency.TotalMilliseconds;
        var state = Volatile.Read(ref _state);
        double next;
        if (state.Timestamp == 0 || sample > state.Ms)
        {
            next = sample;
        }
        else
        {
            var elapsed = time.GetElapsedTime(state.Timestamp, nowTimestamp).Ticks;
            var weight = Math.Exp(-Math.Max(elapsed, 0) / _tauTicks);
            next = (state.Ms * weight) + (sample * (1 - weight));
        }

        Interlocked.CompareExchange(ref _state, new State(next, nowTimestamp), state);
    }

    private sealed record State(double Ms, long Timestamp);
}

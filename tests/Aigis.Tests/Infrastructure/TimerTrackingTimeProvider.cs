using System.Collections.Concurrent;

namespace Aigis.Tests.Infrastructure;

/// <summary>
/// The system clock, with every timer made through it tracked: how many are alive (made and not disposed) and how
/// many of those are armed (due to fire). A cancellation source made with a time provider makes its timer here, so a
/// source or timer that outlives what it was made for shows up as a live timer that never goes away.
/// </summary>
internal sealed class TimerTrackingTimeProvider : TimeProvider
{
    private readonly ConcurrentDictionary<TrackedTimer, byte> _live = new();

    public override long TimestampFrequency => System.TimestampFrequency;

    public override long GetTimestamp() => System.GetTimestamp();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow();

    public override TimeZoneInfo LocalTimeZone => System.LocalTimeZone;

    /// <summary>Timers made and not yet disposed.</summary>
    public int Live => _live.Count;

    /// <summary>Live timers that are due to fire.</summary>
    public int Armed => _live.Keys.Count(t => t.IsArmed);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new TrackedTimer(this);
        timer.Inner = System.CreateTimer(callback, state, dueTime, period);
        timer.SetDue(dueTime, period);
        _live[timer] = 0;
        return timer;
    }

    private sealed class TrackedTimer(TimerTrackingTimeProvider owner) : ITimer
    {
        private volatile bool _armed;

        public ITimer Inner { get; set; } = null!;

        public bool IsArmed => _armed;

        public void SetDue(TimeSpan dueTime, TimeSpan period) => _armed = dueTime != Timeout.InfiniteTimeSpan || period != Timeout.InfiniteTimeSpan;

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            SetDue(dueTime, period);
            return Inner.Change(dueTime, period);
        }

        public void Dispose()
        {
            owner._live.TryRemove(this, out _);
            Inner.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            owner._live.TryRemove(this, out _);
            return Inner.DisposeAsync();
        }
    }
}

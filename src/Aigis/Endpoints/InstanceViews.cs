using Aigis.Admission;
using Aigis.Core.Resilience;
using Aigis.Core.Routing;
using Aigis.Serialization;

namespace Aigis.Endpoints;

/// <summary>An instance as the request path sees it now, for the instance and service views: health, ejection, breaker, load, admission.</summary>
internal sealed class InstanceViews(AdmissionGate admission, TimeProvider time)
{
    public InstanceView View(UpstreamInstance instance)
    {
        var health = instance.Health;
        var load = instance.Load;
        var limiter = admission.LimiterOf(instance);
        return new InstanceView(
            instance.ServiceName,
            instance.Id,
            instance.Url.OriginalString,
            instance.IsHealthy,
            health.ActiveHealthy,
            health.IsEjected,
            WallClock(health.EjectedUntil),
            health.EjectionCount,
            BreakerName(health.Breaker.State),
            WallClock(health.Breaker.OpenUntil),
            instance.InFlight,
            instance.PendingPrefill,
            load is null ? null : new ScrapedLoadView(load.Waiting, load.Running, load.KvCacheUsage, Math.Round(time.GetElapsedTime(load.ScrapedAt).TotalSeconds, 3)),
            limiter is null ? null : new InstanceAdmissionSummary(limiter.Limit, limiter.InFlight, limiter.Queued));
    }

    public static string BreakerName(CircuitState state) => state switch
    {
        CircuitState.Open => "open",
        CircuitState.HalfOpen => "half_open",
        _ => "closed",
    };

    /// <summary>A monotonic timestamp as the wall-clock time people read; null for 0 (not set).</summary>
    private DateTimeOffset? WallClock(long timestamp)
    {
        if (timestamp == 0)
        {
            return null;
        }

        var now = time.GetTimestamp();
        var ahead = timestamp > now ? time.GetElapsedTime(now, timestamp) : TimeSpan.Zero;
        return time.GetUtcNow() + ahead;
    }
}

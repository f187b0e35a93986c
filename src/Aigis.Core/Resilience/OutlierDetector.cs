using Aigis.Core.Routing;

namespace Aigis.Core.Resilience;

/// <summary>
/// Passive health: feeds one attempt's outcome to its instance's failure run and circuit breaker, and ejects the
/// instance when a run reaches its threshold, unless that would put more than the service's cap out at once.
/// </summary>
public static class OutlierDetector
{
    public static PassiveHealthChange Record(
        ReadOnlySpan<UpstreamInstance> serviceInstances, UpstreamInstance instance, AttemptResult result,
        OutlierDetectionOptions outlier, CircuitBreakerOptions breaker)
    {
        var health = instance.Health;
        var breakerChange = health.Breaker.Record(result != AttemptResult.Success, breaker);
        if (!health.CountOutcome(result, outlier))
        {
            return new PassiveHealthChange(null, false, breakerChange);
        }

        if (!MayEject(serviceInstances, instance, outlier.MaxEjectionPercent))
        {
            health.ResetFailureRun();
            return new PassiveHealthChange(null, true, breakerChange);
        }

        return new PassiveHealthChange(health.Eject(outlier), false, breakerChange);
    }

    /// <summary>
    /// Ejects <paramref name="instance"/> on an operator's or an alert's say-so, under the same cap and backoff as
    /// ejections from live traffic. Returns the ejection's length, or null when it is already out or the cap refuses.
    /// </summary>
    public static TimeSpan? EjectOnRequest(ReadOnlySpan<UpstreamInstance> serviceInstances, UpstreamInstance instance, OutlierDetectionOptions outlier)
    {
        if (instance.Health.IsEjected || !MayEject(serviceInstances, instance, outlier.MaxEjectionPercent))
        {
            return null;
        }

        return instance.Health.Eject(outlier);
    }

    /// <summary>
    /// Whether one more ejection stays within the cap (one is always allowed, as in Envoy). Two ejections decided at
    /// the same moment may both pass: the cap is a guard against emptying a service, not an exact count.
    /// </summary>
    private static bool MayEject(ReadOnlySpan<UpstreamInstance> serviceInstances, UpstreamInstance candidate, int maxPercent)
    {
        var ejected = 0;
        foreach (var instance in serviceInstances)
        {
            if (!ReferenceEquals(instance, candidate) && instance.Health.IsEjected)
            {
                ejected++;
            }
        }

        var allowed = Math.Max(1, serviceInstances.Length * maxPercent / 100);
        return ejected + 1 <= allowed;
    }
}

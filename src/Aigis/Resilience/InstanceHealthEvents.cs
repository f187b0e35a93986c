using Aigis.Core.Resilience;
using Aigis.Core.Routing;
using Microsoft.Extensions.Logging;

namespace Aigis.Resilience;

/// <summary>
/// Feeds outcomes and probe results to instances' health and is the one place that logs and counts what changed:
/// ejections and returns, breaker transitions, active checks taking an instance out or bringing it back.
/// </summary>
internal sealed partial class InstanceHealthEvents(ResilienceMetrics metrics, TimeProvider time, ILogger<InstanceHealthEvents> logger)
{
    /// <summary>Passive health: one attempt's outcome.</summary>
    public void Record(ServiceRoute route, UpstreamInstance instance, AttemptResult result)
    {
        var change = OutlierDetector.Record(route.Instances, instance, result, route.Config.OutlierDetection, route.Config.CircuitBreaker);
        if (change.IsNone)
        {
            return;
        }

        if (change.EjectedFor is { } length)
        {
            Log.Ejected(logger, route.Name, instance.Id, result, length, instance.Health.EjectionCount);
            metrics.Ejected(route.Name, instance.Id);
            metrics.HealthChanged(route.Name, instance.Id, "ejected");
        }
        else if (change.EjectionCapped)
        {
            Log.EjectionCapped(logger, route.Name, instance.Id, route.Config.OutlierDetection.MaxEjectionPercent);
        }

        if (change.Breaker is { } state)
        {
            BreakerChanged(route.Name, instance, state);
        }
    }

    /// <summary>An ejection asked for by an alert's remediation (or an operator), logged and counted like any other.</summary>
    public bool EjectOnRequest(ServiceRoute route, UpstreamInstance instance, string reason)
    {
        if (OutlierDetector.EjectOnRequest(route.Instances, instance, route.Config.OutlierDetection) is not { } length)
        {
            return false;
        }

        Log.EjectedOnRequest(logger, route.Name, instance.Id, reason, length, instance.Health.EjectionCount);
        metrics.Ejected(route.Name, instance.Id);
        metrics.HealthChanged(route.Name, instance.Id, "ejected");
        return true;
    }

    /// <summary>An attempt is about to go to <paramref name="instance"/>; a half-open breaker makes it the trial.</summary>
    public void OnAttemptStarted(ServiceRoute route, UpstreamInstance instance)
    {
        if (instance.Health.Breaker.OnAttemptStarted() is { } state)
        {
            BreakerChanged(route.Name, instance, state);
        }
    }

    /// <summary>An attempt ended for the client's reasons, which say nothing about the instance.</summary>
    public static void Release(UpstreamInstance instance) => instance.Health.Breaker.Release();

    /// <summary>Active health: one probe's result.</summary>
    public void RecordProbe(string service, UpstreamInstance instance, bool passed, HealthCheckOptions options, string detail)
    {
        switch (instance.Health.RecordProbe(passed, options))
        {
            case true:
                Log.ProbeHealthy(logger, service, instance.Id, options.HealthyThreshold);
                metrics.HealthChanged(service, instance.Id, "healthy");
                break;
            case false:
                Log.ProbeUnhealthy(logger, service, instance.Id, options.UnhealthyThreshold, detail);
                metrics.HealthChanged(service, instance.Id, "unhealthy");
                break;
        }
    }

    /// <summary>Notices ejections that have ended since the last look (returns happen by the clock, not by an event).</summary>
    public void NoticeReturns(ServiceRoute route)
    {
        foreach (var instance in route.Instances)
        {
            if (instance.Health.TryObserveReturn())
            {
                Log.Returned(logger, route.Name, instance.Id);
                metrics.HealthChanged(route.Name, instance.Id, "returned");
            }
        }
    }

    private void BreakerChanged(string service, UpstreamInstance instance, CircuitState state)
    {
        var name = state switch
        {
            CircuitState.Open => "breaker_open",
            CircuitState.HalfOpen => "breaker_half_open",
            _ => "breaker_closed",
        };
        Log.BreakerChanged(logger, service, instance.Id, name, time.GetUtcNow());
        metrics.HealthChanged(service, instance.Id, name);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Service {Service} instance {InstanceId} ejected for {EjectedFor} after a run of failures ending in {Result} (ejection {EjectionCount})")]
        public static partial void Ejected(ILogger logger, string service, string instanceId, AttemptResult result, TimeSpan ejectedFor, int ejectionCount);

        [LoggerMessage(2, LogLevel.Warning, "Service {Service} instance {InstanceId} is failing but not ejected: {MaxEjectionPercent}% of the service is ejected already")]
        public static partial void EjectionCapped(ILogger logger, string service, string instanceId, int maxEjectionPercent);

        [LoggerMessage(7, LogLevel.Warning, "Service {Service} instance {InstanceId} ejected for {EjectedFor} on request ({Reason}) (ejection {EjectionCount})")]
        public static partial void EjectedOnRequest(ILogger logger, string service, string instanceId, string reason, TimeSpan ejectedFor, int ejectionCount);

        [LoggerMessage(3, LogLevel.Information, "Service {Service} instance {InstanceId} is back in rotation after its ejection")]
        public static partial void Returned(ILogger logger, string service, string instanceId);

        [LoggerMessage(4, LogLevel.Warning, "Service {Service} instance {InstanceId} circuit breaker: {State} at {At}")]
        public static partial void BreakerChanged(ILogger logger, string service, string instanceId, string state, DateTimeOffset at);

        [LoggerMessage(5, LogLevel.Warning, "Service {Service} instance {InstanceId} failed {Threshold} health checks in a row and leaves rotation: {Detail}")]
        public static partial void ProbeUnhealthy(ILogger logger, string service, string instanceId, int threshold, string detail);

        [LoggerMessage(6, LogLevel.Information, "Service {Service} instance {InstanceId} passed {Threshold} health checks in a row and is back in rotation")]
        public static partial void ProbeHealthy(ILogger logger, string service, string instanceId, int threshold);
    }
}

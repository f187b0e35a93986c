using System.Diagnostics.Metrics;

namespace Aigis.Resilience;

/// <summary>
/// The instruments of the forward stage's resilience, on the <c>Aigis.Resilience</c> meter. Labels are bounded:
/// service and instance names from the config, and small fixed sets of states, reasons and kinds.
/// </summary>
internal sealed class ResilienceMetrics
{
    public const string MeterName = "Aigis.Resilience";

    private readonly Meter _meter;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _healthChanges;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _budgetExhausted;
    private readonly Counter<long> _fallbacks;
    private readonly Counter<long> _streamErrors;
    private readonly Counter<long> _timeouts;

    /// <param name="meters">The host's meter factory: the meter is this host's own, and goes with the factory.</param>
    public ResilienceMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _ejections = _meter.CreateCounter<long>("aigis.instance.ejections", description: "Instances ejected by outlier detection.");
        _healthChanges = _meter.CreateCounter<long>("aigis.instance.health_changes", description: "Changes of an instance's health: state is healthy, unhealthy, ejected, returned, breaker_open, breaker_half_open or breaker_closed.");
        _retries = _meter.CreateCounter<long>("aigis.upstream.retries", description: "Attempts retried on another instance.");
        _budgetExhausted = _meter.CreateCounter<long>("aigis.upstream.retry_budget_exhausted", description: "Retries refused because the service's retry budget was spent.");
        _fallbacks = _meter.CreateCounter<long>("aigis.upstream.fallbacks", description: "Requests passed to a fallback service; reason is no_instance, shed or failed.");
        _streamErrors = _meter.CreateCounter<long>("aigis.upstream.stream_errors", description: "Upstream answers that broke after they began; kind is cut, stalled, malformed or total_timeout.");
        _timeouts = _meter.CreateCounter<long>("aigis.upstream.timeouts", description: "Upstream attempts that timed out; timeout is connect, first_byte, idle or total.");
    }

    public void Ejected(string service, string instance) =>
        _ejections.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("instance", instance));

    public void HealthChanged(string service, string instance, string state) =>
        _healthChanges.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("instance", instance), new KeyValuePair<string, object?>("state", state));

    public void Retried(string service) => _retries.Add(1, new KeyValuePair<string, object?>("service", service));

    public void BudgetExhausted(string service) => _budgetExhausted.Add(1, new KeyValuePair<string, object?>("service", service));

    public void FellBack(string from, string to, string reason) =>
        _fallbacks.Add(1, new KeyValuePair<string, object?>("service", from), new KeyValuePair<string, object?>("fallback", to), new KeyValuePair<string, object?>("reason", reason));

    public void StreamBroke(string service, string kind) =>
        _streamErrors.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("kind", kind));

    public void TimedOut(string service, string timeout) =>
        _timeouts.Add(1, new KeyValuePair<string, object?>("service", service), new KeyValuePair<string, object?>("timeout", timeout));

}

using System.Diagnostics.Metrics;
using Aigis.Core.Admission;
using Aigis.Core.Identity;

namespace Aigis.Admission;

/// <summary>
/// The <c>Aigis.Admission</c> meter: each instance's current limit, requests queued by service and priority, and
/// requests shed by service, priority and reason. Label sets are bounded: services and instances come from config.
/// </summary>
internal sealed class AdmissionMetrics
{
    public const string MeterName = "Aigis.Admission";

    private static readonly string[] s_priorities = ["low", "normal", "high"];
    private readonly Meter _meter;
    private readonly Counter<long> _shed;

    public AdmissionMetrics(Func<IEnumerable<(string Service, string Instance, AdmissionLimiter Limiter)>> limiters, IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _meter.CreateObservableGauge("aigis.admission.limit", () => Limits(limiters), "{request}", "The concurrency limit of each instance.");
        _meter.CreateObservableGauge("aigis.admission.in_flight", () => InFlight(limiters), "{request}", "Requests admitted to each instance and not yet finished.");
        _meter.CreateObservableGauge("aigis.admission.queued", () => Queued(limiters), "{request}", "Requests waiting for a slot, by service and priority.");
        _shed = _meter.CreateCounter<long>("aigis.admission.shed", "{request}", "Requests refused with 503 overloaded, by service, priority and reason.");
    }

    /// <summary>This gateway's meter (a test process may run several gateways, each exporting only its own).</summary>
    public Meter Meter => _meter;

    public static string PriorityName(TenantPriority priority) => s_priorities[(int)priority];

    public static string ReasonName(ShedReason reason) => reason switch
    {
        ShedReason.QueueFull => "queue_full",
        ShedReason.WaitTooLong => "wait_too_long",
        ShedReason.QueueTimeout => "queue_timeout",
        ShedReason.Evicted => "evicted",
        ShedReason.ShuttingDown => "shutting_down",
        _ => "other",
    };

    public void Shed(string service, TenantPriority priority, ShedReason reason) =>
        _shed.Add(1, new("service", service), new("priority", PriorityName(priority)), new("reason", ReasonName(reason)));


    private static IEnumerable<Measurement<int>> Limits(Func<IEnumerable<(string Service, string Instance, AdmissionLimiter Limiter)>> limiters) =>
        limiters().Select(l => new Measurement<int>(l.Limiter.Limit, new("service", l.Service), new("instance", l.Instance)));

    private static IEnumerable<Measurement<int>> InFlight(Func<IEnumerable<(string Service, string Instance, AdmissionLimiter Limiter)>> limiters) =>
        limiters().Select(l => new Measurement<int>(l.Limiter.InFlight, new("service", l.Service), new("instance", l.Instance)));

    private static IEnumerable<Measurement<int>> Queued(Func<IEnumerable<(string Service, string Instance, AdmissionLimiter Limiter)>> limiters)
    {
        foreach (var service in limiters().GroupBy(l => l.Service, StringComparer.Ordinal))
        {
            foreach (var priority in Enum.GetValues<TenantPriority>())
            {
                yield return new Measurement<int>(service.Sum(l => l.Limiter.QueuedWith(priority)), new("service", service.Key), new("priority", PriorityName(priority)));
            }
        }
    }
}

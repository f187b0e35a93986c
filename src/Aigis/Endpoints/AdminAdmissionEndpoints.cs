using Aigis.Admission;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/admission</c>: each instance's admission state now (limit, in flight, queued by priority), for
/// the services with admission enabled. An instance appears once it has been sent a request.
/// </summary>
internal sealed class AdminAdmissionEndpoints(AdmissionGate gate)
{
    public void Map(IEndpointRouteBuilder endpoints) => endpoints.MapGet("/admin/v1/admission", () =>
    {
        var views = gate.Limiters()
            .Select(l => new InstanceAdmissionView(
                l.Service,
                l.Instance,
                l.Limiter.Options.Algorithm == Core.Admission.AdmissionAlgorithm.Fixed ? "fixed" : "gradient2",
                l.Limiter.Limit,
                l.Limiter.InFlight,
                new QueueView(
                    l.Limiter.Queued,
                    l.Limiter.Options.Queue.MaxSize,
                    l.Limiter.Options.Queue.MaxWait.TotalMilliseconds,
                    l.Limiter.QueuedWith(Core.Identity.TenantPriority.High),
                    l.Limiter.QueuedWith(Core.Identity.TenantPriority.Normal),
                    l.Limiter.QueuedWith(Core.Identity.TenantPriority.Low)),
                Math.Round(l.Limiter.RecentRtt.TotalMilliseconds, 3)))
            .OrderBy(v => v.Service, StringComparer.Ordinal)
            .ThenBy(v => v.Instance, StringComparer.Ordinal)
            .ToArray();
        return TypedResults.Json(new AdmissionList("list", views), AdmissionJsonContext.Default.AdmissionList);
    }).WithSummary("Each instance's admission state: limit, in flight, queued by priority.");
}

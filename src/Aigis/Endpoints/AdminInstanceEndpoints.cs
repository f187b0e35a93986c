using Aigis.Core.Resilience;
using Aigis.Core.Routing;
using Aigis.Hosting;
using Aigis.Pipeline;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/instances</c> and <c>GET /admin/v1/services/{name}/instances</c>: each instance's health as the
/// request path sees it now (active checks, ejection, circuit breaker, requests in flight).
/// </summary>
internal sealed class AdminInstanceEndpoints(GatewayState state, TimeProvider time)
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/instances", new RequestDelegate(ListAllAsync));
        endpoints.MapGet("/admin/v1/services/{name}/instances", new RequestDelegate(ListServiceAsync));
    }

    private Task ListAllAsync(HttpContext context)
    {
        var views = state.Routes.ByName.Values.OrderBy(r => r.Name, StringComparer.Ordinal).SelectMany(r => r.Instances).Select(View).ToArray();
        return Results.Json(new InstanceList("list", views), AdminJsonContext.Default.InstanceList).ExecuteAsync(context);
    }

    private Task ListServiceAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string ?? "";
        if (!state.Routes.ByName.TryGetValue(name, out var route))
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownService(name));
        }

        return Results.Json(new InstanceList("list", route.Instances.Select(View).ToArray()), AdminJsonContext.Default.InstanceList).ExecuteAsync(context);
    }

    private InstanceView View(UpstreamInstance instance)
    {
        var health = instance.Health;
        var breaker = health.Breaker.State;
        return new InstanceView(
            instance.ServiceName,
            instance.Id,
            instance.Url.OriginalString,
            instance.IsHealthy,
            health.ActiveHealthy,
            health.IsEjected,
            WallClock(health.EjectedUntil),
            health.EjectionCount,
            breaker switch
            {
                CircuitState.Open => "open",
                CircuitState.HalfOpen => "half_open",
                _ => "closed",
            },
            WallClock(health.Breaker.OpenUntil),
            instance.InFlight,
            instance.PendingPrefill);
    }

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

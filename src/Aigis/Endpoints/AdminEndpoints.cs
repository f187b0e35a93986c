using Aigis.Hosting;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>The admin listener's endpoints. Probes answer without credentials, as orchestrators expect.</summary>
internal static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder endpoints, GatewayState state, Func<string?> limits)
    {
        // Liveness: the process is up and serving HTTP.
        endpoints.MapGet("/healthz", () => TypedResults.Json(new HealthStatus("ok"), GatewayJsonContext.Default.HealthStatus)).WithSummary("Liveness: the process serves HTTP (no credential needed).");

        // Readiness: a valid config is loaded and the public listener accepts traffic. The limits line says where
        // limits are decided and whether that store answers; a Redis outage does not make the gateway unready (each
        // limit follows its onStoreFailure policy), but an operator must be able to see it here.
        endpoints.MapGet("/readyz", () =>
        {
            var routes = state.Routes;
            var status = new HealthStatus(state.IsReady ? "ready" : "not_ready", routes.ByName.Count, routes.LoadedAt, limits());
            return TypedResults.Json(status, GatewayJsonContext.Default.HealthStatus, statusCode: state.IsReady ? 200 : 503);
        }).WithSummary("Readiness: a config is loaded and the public listener takes traffic (no credential needed).");
    }
}

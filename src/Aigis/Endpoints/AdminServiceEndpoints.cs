using Aigis.Core.Configuration;
using Aigis.Core.Routing;
using Aigis.Deployers;
using Aigis.Hosting;
using Aigis.Pipeline;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/services</c>, <c>GET /admin/v1/services/{name}</c> and <c>GET /admin/v1/replicas</c>: the fleet as
/// the request path and the deployer see it now. Read from the live route table, never from the store.
/// </summary>
internal sealed class AdminServiceEndpoints(GatewayState state, IDeployer deployer, InstanceViews views)
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/services", new RequestDelegate(ListAsync)).WithSummary("Every service: kind, runtime, routing policy, instances healthy and in flight.");
        endpoints.MapGet("/admin/v1/services/{name}", new RequestDelegate(ShowAsync)).WithSummary("One service with its instances' live state and its replicas.");
        endpoints.MapGet("/admin/v1/replicas", new RequestDelegate(ReplicasAsync)).WithSummary("Every replica the deployer runs, with its state and restarts.");
    }

    public static ServiceSummary Summary(ServiceRoute route)
    {
        var config = route.Config;
        var healthy = 0;
        var inFlight = 0;
        foreach (var instance in route.Instances)
        {
            healthy += instance.IsHealthy ? 1 : 0;
            inFlight += instance.InFlight;
        }

        return new ServiceSummary(
            config.Name,
            config.Kind.ToString().ToLowerInvariant(),
            config.Runtime.ToString().ToLowerInvariant(),
            config.Models,
            config.Balancer,
            config.Admission.Enabled,
            config.Fallback,
            config.Process?.Replicas ?? config.Docker?.Replicas,
            route.Instances.Length,
            healthy,
            inFlight);
    }

    public static ReplicaView View(ReplicaStatus r) => new(
        r.Service, r.Name, r.Index, r.State.ToString().ToLowerInvariant(), r.Url?.OriginalString, r.ProcessId, r.Restarts, r.LastExitCode, r.LastFailure, r.Since, r.NextStartAt);

    private Task ListAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        var (items, next) = AdminPaging.Page(state.Routes.ByName.Values, r => r.Name, page);
        return Results.Json(new ServiceList("list", items.Select(Summary).ToArray(), next), OperatorJsonContext.Default.ServiceList).ExecuteAsync(context);
    }

    private Task ShowAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string ?? "";
        if (!state.Routes.ByName.TryGetValue(name, out var route))
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownService(name));
        }

        var replicas = deployer.Replicas.Where(r => r.Service == name).OrderBy(r => r.Index).Select(View).ToArray();
        var detail = new ServiceDetail(Summary(route), route.Instances.Select(views.View).ToArray(), replicas);
        return Results.Json(detail, OperatorJsonContext.Default.ServiceDetail).ExecuteAsync(context);
    }

    private Task ReplicasAsync(HttpContext context)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        var service = AdminPaging.Filter(context, "service");
        var replicas = deployer.Replicas.Where(r => service is null || r.Service == service);
        var (items, next) = AdminPaging.Page(replicas, r => r.Service + "\u0001" + r.Index.ToString("D6", System.Globalization.CultureInfo.InvariantCulture), page);
        return Results.Json(new ReplicaList("list", items.Select(View).ToArray(), next), OperatorJsonContext.Default.ReplicaList).ExecuteAsync(context);
    }
}

using Aigis.Hosting;
using Aigis.Pipeline;
using Aigis.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Aigis.Endpoints;

/// <summary>
/// <c>GET /admin/v1/instances</c> and <c>GET /admin/v1/services/{name}/instances</c>: each instance's health as the
/// request path sees it now (active checks, ejection, circuit breaker, requests in flight, scraped load, admission),
/// a page at a time in (service, id) order.
/// </summary>
internal sealed class AdminInstanceEndpoints(GatewayState state, InstanceViews views)
{
    public void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/v1/instances", new RequestDelegate(ListAllAsync)).WithSummary("Every instance with its live routing state.");
        endpoints.MapGet("/admin/v1/services/{name}/instances", new RequestDelegate(ListServiceAsync)).WithSummary("One service's instances with their live routing state.");
    }

    private Task ListAllAsync(HttpContext context) =>
        WritePageAsync(context, state.Routes.ByName.Values.SelectMany(r => r.Instances));

    private Task ListServiceAsync(HttpContext context)
    {
        var name = context.Request.RouteValues["name"] as string ?? "";
        return state.Routes.ByName.TryGetValue(name, out var route)
            ? WritePageAsync(context, route.Instances)
            : GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownService(name));
    }

    private Task WritePageAsync(HttpContext context, IEnumerable<Core.Routing.UpstreamInstance> instances)
    {
        if (!AdminPaging.TryRead(context, out var page, out var error))
        {
            return GatewayErrorWriter.WriteAsync(context, error);
        }

        // Service and id joined by a character neither may hold, so the order is by service, then id.
        var (items, next) = AdminPaging.Page(instances, i => i.ServiceName + "\u0001" + i.Id, page);
        return Results.Json(new InstanceList("list", items.Select(views.View).ToArray(), next), AdminJsonContext.Default.InstanceList).ExecuteAsync(context);
    }
}

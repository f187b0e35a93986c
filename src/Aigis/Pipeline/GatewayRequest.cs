using Aigis.Core.Routing;
using Aigis.Hosting;
using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>What a public request is for.</summary>
internal enum EndpointKind
{
    /// <summary>No endpoint of the gateway: answered 404 <c>not_found</c> by the router.</summary>
    Unknown,

    /// <summary><c>/v1/chat/completions</c>, <c>/v1/completions</c>, <c>/v1/embeddings</c>: routed by the body's <c>model</c>.</summary>
    Model,

    /// <summary><c>GET /v1/models</c>.</summary>
    ModelList,

    /// <summary><c>/svc/NAME/...</c>: forwarded to service NAME with the prefix removed.</summary>
    Service,
}

/// <summary>
/// One public request, resolved once (as YARP hangs its route and cluster on <c>IReverseProxyFeature</c>): the
/// config snapshot it runs under, what endpoint it is for, the service it goes to, and, for a model request, its
/// body read once within the size bound. <see cref="RequestResolutionMiddleware"/> sets it first thing and
/// <see cref="ModelBodyMiddleware"/> adds the body and the model's service; no later stage parses the path or the
/// body again.
/// </summary>
internal sealed class GatewayRequest
{
    private const string ServicePrefix = "/svc/";

    private GatewayRequest(GatewaySnapshot snapshot, EndpointKind kind, string endpoint, string? serviceName, ServiceRoute? route)
    {
        Snapshot = snapshot;
        Kind = kind;
        Endpoint = endpoint;
        ServiceName = serviceName;
        Route = route;
    }

    /// <summary>The config in force when the request arrived; the whole request uses it, whatever a reload does meanwhile.</summary>
    public GatewaySnapshot Snapshot { get; }

    public EndpointKind Kind { get; }

    /// <summary>The endpoint's canonical path (<c>/v1/chat/completions</c>; <c>/svc/NAME</c>; the path itself when unknown).</summary>
    public string Endpoint { get; }

    /// <summary>The service asked for by name (<c>/svc/NAME</c>) or, once the body is read, the one serving the model; null until known.</summary>
    public string? ServiceName { get; private set; }

    /// <summary>The service's route; null when no service of that name or model exists (yet, for a model request).</summary>
    public ServiceRoute? Route { get; private set; }

    /// <summary>A model request's body and routing fields, read once; null for other endpoints and before it is read.</summary>
    public ModelRequest? Body { get; private set; }

    /// <summary>True for a POST to a model endpoint, the only requests whose body the gateway reads.</summary>
    public bool IsModelCall { get; private init; }

    /// <summary>Classifies a request's path (ordinal, exactly as Kestrel left it) against the snapshot.</summary>
    public static GatewayRequest Resolve(GatewaySnapshot snapshot, string method, string path)
    {
        if (path.StartsWith(ServicePrefix, StringComparison.Ordinal))
        {
            var rest = path.AsSpan(ServicePrefix.Length);
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest[..slash];
            var found = snapshot.Routes.ByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var route);
            var serviceName = found ? route!.Name : name.ToString();
            return new GatewayRequest(snapshot, EndpointKind.Service, path[..(ServicePrefix.Length + name.Length)], serviceName, route);
        }

        if (ModelEndpoint(path) is { } endpoint)
        {
            return new GatewayRequest(snapshot, EndpointKind.Model, endpoint, null, null) { IsModelCall = HttpMethods.IsPost(method) };
        }

        return path is "/v1/models" or "/v1/models/"
            ? new GatewayRequest(snapshot, EndpointKind.ModelList, "/v1/models", null, null)
            : new GatewayRequest(snapshot, EndpointKind.Unknown, path, null, null);
    }

    /// <summary>The body is read: the model names the service, if any serves it.</summary>
    public void SetBody(ModelRequest body)
    {
        Body = body;
        if (Snapshot.Routes.ByModel.TryGetValue(body.Model, out var route))
        {
            Route = route;
            ServiceName = route.Name;
        }
    }

    /// <summary>A fallback took over: later telemetry names the service that served.</summary>
    public void FellBackTo(ServiceRoute route)
    {
        Route = route;
        ServiceName = route.Name;
    }

    private static string? ModelEndpoint(string path) => path switch
    {
        "/v1/chat/completions" or "/v1/chat/completions/" => "/v1/chat/completions",
        "/v1/completions" or "/v1/completions/" => "/v1/completions",
        "/v1/embeddings" or "/v1/embeddings/" => "/v1/embeddings",
        _ => null,
    };
}

internal static class GatewayRequestExtensions
{
    /// <summary>The request as resolved by <see cref="RequestResolutionMiddleware"/>; null only in tests of a single stage.</summary>
    public static GatewayRequest? Resolved(this HttpContext context) => context.Features.Get<GatewayRequest>();
}

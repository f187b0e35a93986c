using System.Buffers;
using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using Aigis.Hosting;
using Aigis.Pipeline;
using Aigis.Proxy;
using Aigis.Serialization;
using Microsoft.AspNetCore.Http;

namespace Aigis.Endpoints;

/// <summary>
/// The public listener's terminal stage: hands a request, as resolved once (<see cref="GatewayRequest"/>: by the
/// body's <c>model</c> for the OpenAI endpoints, by name for <c>/svc/NAME/...</c>), to the forwarder, or answers
/// what no service serves (404 in OpenAI's shape, 405) and <c>GET /v1/models</c> itself.
/// </summary>
internal sealed class PublicRouter(UpstreamForwarder forwarder)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Resolved() ?? throw new InvalidOperationException("The request was not resolved: RequestResolutionMiddleware must run first.");
        var method = context.Request.Method;
        return request.Kind switch
        {
            EndpointKind.Service => ForwardToServiceAsync(context, request),
            EndpointKind.Model when request.IsModelCall => ForwardByModelAsync(context, request),
            EndpointKind.Model => GatewayErrorWriter.WriteAsync(context, GatewayError.MethodNotAllowed(method, request.Endpoint, "POST"), PipelineStage.Route),
            EndpointKind.ModelList when HttpMethods.IsGet(method) => WriteModelsAsync(context, request.Snapshot.Routes),
            EndpointKind.ModelList => GatewayErrorWriter.WriteAsync(context, GatewayError.MethodNotAllowed(method, "/v1/models", "GET"), PipelineStage.Route),
            _ => GatewayErrorWriter.WriteAsync(context, GatewayError.NotFound(request.Endpoint), PipelineStage.Route),
        };
    }

    private async Task ForwardByModelAsync(HttpContext context, GatewayRequest resolved)
    {
        // The body was read once, before every stage that needed it (ModelBodyMiddleware).
        if (resolved.Body is not { } request)
        {
            return;
        }

        if (resolved.Route is not { } route)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownModel(request.Model), PipelineStage.Route);
            return;
        }

        // The forwarder sends these exact bytes (again on a retry); the length is known, so the upstream gets Content-Length.
        context.Request.Headers.TransferEncoding = default;
        var blocks = route.Config.Balancer == LoadBalancingPolicyNames.PrefixAware ? ArrayPool<ulong>.Shared.Rent(PromptPrefixBlocks.MaxBlocks) : null;
        try
        {
            await forwarder.ForwardAsync(context, resolved.Snapshot.Routes, route, BalancingRequestFor(context, resolved, route, request.Body.Span, blocks), request);
        }
        finally
        {
            if (blocks is not null)
            {
                ArrayPool<ulong>.Shared.Return(blocks);
            }
        }
    }

    private Task ForwardToServiceAsync(HttpContext context, GatewayRequest resolved)
    {
        if (resolved.Route is not { } route)
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownService(resolved.ServiceName!), PipelineStage.Route);
        }

        var maxBodySize = resolved.Snapshot.Config.Gateway.MaxBodySize;
        if (context.Request.ContentLength > maxBodySize)
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(maxBodySize), PipelineStage.RequestLimits);
        }

        // Bodies of generic services stream through; Kestrel enforces the bound as they are read.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBodySize;
        }

        var path = context.Request.Path.Value!;
        var prefix = resolved.Endpoint.Length;
        context.Request.PathBase = context.Request.PathBase.Add(new PathString(resolved.Endpoint));
        context.Request.Path = path.Length == prefix ? new PathString("/") : new PathString(path[prefix..]);
        return forwarder.ForwardAsync(context, resolved.Snapshot.Routes, route, BalancingRequestFor(context, resolved, route, [], null), null);
    }

    /// <summary>
    /// What the service's policy needs to know: the prompt's size for every policy (prefill owed is counted whichever
    /// policy places the request: peak-ewma, consistent-hash and prefix-aware weigh it), prompt prefix blocks for
    /// prefix-aware, a key for consistent-hash.
    /// </summary>
    private static BalancingRequest BalancingRequestFor(HttpContext context, GatewayRequest resolved, ServiceRoute route, ReadOnlySpan<byte> body, ulong[]? blocks)
    {
        // The whole body's size stands for the prompt's: prefix blocks stop at a cap, the prefill work does not.
        var promptBlocks = (body.Length + PromptPrefixBlocks.BlockBytes - 1) / PromptPrefixBlocks.BlockBytes;
        if (blocks is not null)
        {
            var count = PromptPrefixBlocks.Compute(body, blocks);
            return BalancingRequest.WithPrefix(blocks.AsMemory(0, count), promptBlocks);
        }

        if (resolved.Snapshot.Affinity.TryGetValue(route.Name, out var source))
        {
            return source.TryGetKey(context, body, out var key)
                ? BalancingRequest.WithKey(key) with { PromptBlocks = promptBlocks }
                : new BalancingRequest { PromptBlocks = promptBlocks };
        }

        return new BalancingRequest { PromptBlocks = promptBlocks };
    }

    private static Task WriteModelsAsync(HttpContext context, RouteTable routes)
    {
        var created = routes.LoadedAt.ToUnixTimeSeconds();

        // Only what the caller may use (DESIGN.md); everything when auth is disabled.
        var access = context.Features.Get<Core.Identity.TenantAccess>();
        var data = new List<ModelEntry>(routes.Models.Count);
        foreach (var model in routes.Models)
        {
            if (access is null || access.MayUseModel(model))
            {
                data.Add(new ModelEntry(model, "model", created, routes.ByModel[model].Name));
            }
        }

        return context.Response.WriteAsJsonAsync(new ModelList("list", data), GatewayJsonContext.Default.ModelList, contentType: "application/json", context.RequestAborted);
    }
}

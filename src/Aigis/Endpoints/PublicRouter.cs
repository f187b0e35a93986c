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
/// The public listener's terminal stage: resolves a request to a service (by the body's <c>model</c> for the
/// OpenAI endpoints, by name for <c>/svc/NAME/...</c>) and hands it to the forwarder. Paths are matched
/// directly rather than through endpoint routing: there are five of them and every miss needs an OpenAI-shaped 404.
/// </summary>
internal sealed class PublicRouter(GatewayState state, UpstreamForwarder forwarder)
{
    private const string ServicePrefix = "/svc/";
    private static readonly string[] s_modelEndpoints = ["/v1/chat/completions", "/v1/completions", "/v1/embeddings"];

    // One parsed key source per distinct spec in the config; a handful at most.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, AffinityKeySource> _affinitySources = new(StringComparer.Ordinal);

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var routes = state.Routes;

        if (path.StartsWith(ServicePrefix, StringComparison.Ordinal))
        {
            return ForwardToServiceAsync(context, routes, path);
        }

        foreach (var endpoint in s_modelEndpoints)
        {
            if (string.Equals(path, endpoint, StringComparison.Ordinal) || string.Equals(path, endpoint + "/", StringComparison.Ordinal))
            {
                return HttpMethods.IsPost(context.Request.Method)
                    ? ForwardByModelAsync(context, routes)
                    : GatewayErrorWriter.WriteAsync(context, GatewayError.MethodNotAllowed(context.Request.Method, endpoint, "POST"), PipelineStage.Route);
            }
        }

        if (path is "/v1/models" or "/v1/models/")
        {
            return HttpMethods.IsGet(context.Request.Method)
                ? WriteModelsAsync(context, routes)
                : GatewayErrorWriter.WriteAsync(context, GatewayError.MethodNotAllowed(context.Request.Method, "/v1/models", "GET"), PipelineStage.Route);
        }

        return GatewayErrorWriter.WriteAsync(context, GatewayError.NotFound(path), PipelineStage.Route);
    }

    private async Task ForwardByModelAsync(HttpContext context, RouteTable routes)
    {
        // Authorization or intrusion detection has read the body already (into the same pooled buffer): use that one.
        var request = context.Features.Get<ModelRequest>();
        GatewayError? error = null;
        if (request is null)
        {
            using (Telemetry.GatewayTracing.StartStage(Telemetry.GatewayTracing.RouteSpan))
            {
                (request, error) = await ModelRequestReader.ReadAsync(context, routes.Config.Gateway.MaxBodySize);
            }
        }

        if (request is null)
        {
            if (error is { } refusal)
            {
                await GatewayErrorWriter.WriteAsync(context, refusal, PipelineStage.RequestLimits);
            }

            return;
        }

        using (request)
        {
            if (!routes.ByModel.TryGetValue(request.Model, out var route))
            {
                await GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownModel(request.Model), PipelineStage.Route);
                return;
            }

            var record = context.Record();
            record.Model = request.Model;
            record.Service = route.Name;
            record.Streamed = request.Stream;

            // The forwarder sends these exact bytes (again on a retry); the length is known, so the upstream gets Content-Length.
            context.Request.Headers.TransferEncoding = default;
            var blocks = route.Config.Balancer == LoadBalancingPolicyNames.PrefixAware ? ArrayPool<ulong>.Shared.Rent(PromptPrefixBlocks.MaxBlocks) : null;
            try
            {
                await forwarder.ForwardAsync(context, routes, route, BalancingRequestFor(context, route, request.Body.Span, blocks), request);
            }
            finally
            {
                if (blocks is not null)
                {
                    ArrayPool<ulong>.Shared.Return(blocks);
                }
            }
        }
    }

    private Task ForwardToServiceAsync(HttpContext context, RouteTable routes, string path)
    {
        var rest = path.AsSpan(ServicePrefix.Length);
        var slash = rest.IndexOf('/');
        var name = slash < 0 ? rest : rest[..slash];
        if (!routes.ByName.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(name, out var route))
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.UnknownService(name.ToString()), PipelineStage.Route);
        }

        var maxBodySize = routes.Config.Gateway.MaxBodySize;
        if (context.Request.ContentLength > maxBodySize)
        {
            return GatewayErrorWriter.WriteAsync(context, GatewayError.BodyTooLarge(maxBodySize), PipelineStage.RequestLimits);
        }

        context.Record().Service = route.Name;

        // Bodies of generic services stream through; Kestrel enforces the bound as they are read.
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBodySize;
        }

        context.Request.PathBase = context.Request.PathBase.Add(new PathString(path[..(ServicePrefix.Length + name.Length)]));
        context.Request.Path = slash < 0 ? new PathString("/") : new PathString(path[(ServicePrefix.Length + slash)..]);
        return forwarder.ForwardAsync(context, routes, route, BalancingRequestFor(context, route, [], null), null);
    }

    /// <summary>
    /// What the service's policy needs to know: the prompt's size for every policy (prefill owed is counted whichever
    /// policy places the request: peak-ewma, consistent-hash and prefix-aware weigh it), prompt prefix blocks for
    /// prefix-aware, a key for consistent-hash.
    /// </summary>
    private BalancingRequest BalancingRequestFor(HttpContext context, ServiceRoute route, ReadOnlySpan<byte> body, ulong[]? blocks)
    {
        // The whole body's size stands for the prompt's: prefix blocks stop at a cap, the prefill work does not.
        var promptBlocks = (body.Length + PromptPrefixBlocks.BlockBytes - 1) / PromptPrefixBlocks.BlockBytes;
        if (blocks is not null)
        {
            var count = PromptPrefixBlocks.Compute(body, blocks);
            return BalancingRequest.WithPrefix(blocks.AsMemory(0, count), promptBlocks);
        }

        if (route.Config.Balancer == LoadBalancingPolicyNames.ConsistentHash)
        {
            var source = _affinitySources.GetOrAdd(route.Config.Balancing.HashKey, AffinityKeySource.Parse);
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

using Aigis.Core.Identity;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Store;
using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// The authorization stage, after authentication: a caller may use only the models and services its tenant
/// allows. It reads the body of the model endpoints once (to learn the model) and leaves it on the request as a
/// <see cref="ModelRequest"/> feature for the stages after it, and leaves the tenant's <see cref="TenantAccess"/>
/// for <c>GET /v1/models</c>, which lists only what the caller may use.
/// </summary>
/// <remarks>
/// <para>
/// A name outside the tenant's grants gets the same 404 as a name nobody serves (<c>model_not_found</c>,
/// <c>service_not_found</c>, OpenAI's answer for both), decided before anything looks at whether the name exists,
/// so neither the status, the body nor the work done tells a caller what else the gateway serves. The audit log
/// and the metrics keep the real reason (<c>model_not_allowed</c>, <c>service_not_allowed</c>).
/// </para>
/// <para>
/// Paths are judged exactly as the router reads them (ordinal, after Kestrel's removal of dot segments; no
/// percent-decoding, no case folding): a path this stage does not recognize is one the router will not route.
/// </para>
/// </remarks>
internal sealed class AuthorizationMiddleware(RequestDelegate next, GatewayState state, TenantDirectory tenants, AuditWriter audit, IdentityMetrics metrics, TimeProvider timeProvider)
{
    private const string ServicePrefix = "/svc/";

    public Task InvokeAsync(HttpContext context)
    {
        if (context.Caller() is not { } caller)
        {
            // Auth disabled: nobody to hold to a tenant's grants.
            return next(context);
        }

        var access = tenants.Find(caller.Tenant) ?? s_nothing;
        context.Features.Set(access);
        var path = context.Request.Path.Value ?? "/";
        if (path.StartsWith(ServicePrefix, StringComparison.Ordinal))
        {
            var rest = path.AsSpan(ServicePrefix.Length);
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest[..slash];
            return access.MayUseService(name)
                ? next(context)
                : RefuseAsync(context, caller, AccessErrors.ServiceNotAllowed(name.ToString()), AccessErrors.ServiceNotAllowedReason, $"service={Short(name)}");
        }

        return IsModelEndpoint(path) && HttpMethods.IsPost(context.Request.Method)
            ? AuthorizeModelAsync(context, caller, access)
            : next(context);
    }

    private static readonly TenantAccess s_nothing = new(new TenantDefinition { Name = "" });

    /// <summary>The OpenAI endpoints routed by the body's model, matched as <c>PublicRouter</c> matches them.</summary>
    internal static bool IsModelEndpoint(string path) => path switch
    {
        "/v1/chat/completions" or "/v1/chat/completions/" or "/v1/completions" or "/v1/completions/" or "/v1/embeddings" or "/v1/embeddings/" => true,
        _ => false,
    };

    private async Task AuthorizeModelAsync(HttpContext context, CallerIdentity caller, TenantAccess access)
    {
        var (request, error) = await ModelRequestReader.ReadAsync(context, state.Config.Gateway.MaxBodySize);
        if (request is null)
        {
            if (error is { } refusal)
            {
                await GatewayErrorWriter.WriteAsync(context, refusal, PipelineStage.RequestLimits);
            }

            return;
        }

        if (!access.MayUseModel(request.Model))
        {
            request.Dispose();
            await RefuseAsync(context, caller, AccessErrors.ModelNotAllowed(request.Model), AccessErrors.ModelNotAllowedReason, $"model={Short(request.Model)}");
            return;
        }

        // The router and later stages use this one read; it goes back to the pool when the response is done.
        context.Features.Set(request);
        context.Response.RegisterForDispose(request);
        await next(context);
    }

    private Task RefuseAsync(HttpContext context, CallerIdentity caller, GatewayError error, string reason, string what)
    {
        // The name asked for, bounded; never the body (a prompt) or a header (a credential).
        audit.Record(new AuditEvent(timeProvider.GetUtcNow(), AuditActions.AccessRefused, "refused", caller.KeyId, caller.Tenant, reason,
            context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), $"public {context.Request.Method} {Short(context.Request.Path.Value)} {what}"));
        metrics.AccessRefused(reason);
        return GatewayErrorWriter.WriteAsync(context, error, PipelineStage.Authorization);
    }

    private static string Short(ReadOnlySpan<char> text) => text.Length <= 100 ? text.ToString() : string.Concat(text[..100], "...");
}

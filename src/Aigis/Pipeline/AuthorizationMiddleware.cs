using Aigis.Core.Identity;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Store;
using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// The authorization stage, after authentication and the body's read: a caller may use only the models and
/// services its tenant allows, judged on the request as resolved once (<see cref="GatewayRequest"/>). It leaves the
/// tenant's <see cref="TenantAccess"/> for <c>GET /v1/models</c>, which lists only what the caller may use.
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
internal sealed class AuthorizationMiddleware(RequestDelegate next, TenantDirectory tenants, AuditWriter audit, IdentityMetrics metrics, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Caller() is not { } caller || context.Resolved() is not { } request)
        {
            // Auth disabled: nobody to hold to a tenant's grants.
            return next(context);
        }

        var access = tenants.Find(caller.Tenant) ?? s_nothing;
        context.Features.Set(access);
        switch (request.Kind)
        {
            case EndpointKind.Service when !access.MayUseService(request.ServiceName):
                return RefuseAsync(context, caller, AccessErrors.ServiceNotAllowed(request.ServiceName!), AccessErrors.ServiceNotAllowedReason, $"service={Short(request.ServiceName)}");
            case EndpointKind.Model when request.Body is { } body && !access.MayUseModel(body.Model):
                return RefuseAsync(context, caller, AccessErrors.ModelNotAllowed(body.Model), AccessErrors.ModelNotAllowedReason, $"model={Short(body.Model)}");
            default:
                return next(context);
        }
    }

    private static readonly TenantAccess s_nothing = new(new TenantDefinition { Name = "" });

    private Task RefuseAsync(HttpContext context, CallerIdentity caller, GatewayError error, string reason, string what)
    {
        // The name asked for, bounded; never the body (a prompt) or a header (a credential).
        audit.Record(new AuditEvent(timeProvider.GetUtcNow(), AuditActions.AccessRefused, "refused", caller.KeyId, caller.Tenant, reason,
            context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), $"public {context.Request.Method} {Short(context.Request.Path.Value)} {what}"));
        metrics.AccessRefused(reason);
        return GatewayErrorWriter.WriteAsync(context, error, PipelineStage.Authorization);
    }

    private static string Short(string? text) => text is null ? "" : Short(text.AsSpan());

    private static string Short(ReadOnlySpan<char> text) => text.Length <= 100 ? text.ToString() : string.Concat(text[..100], "...");
}

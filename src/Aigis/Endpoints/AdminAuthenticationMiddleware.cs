using Aigis.Identity;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Endpoints;

/// <summary>
/// The admin listener's gate: every path but the probes needs an admin key (401 without a valid key, 403 with
/// a user key), whatever <c>gateway.auth</c> says. Each admin call is audited after it answers, with its status.
/// </summary>
internal sealed class AdminAuthenticationMiddleware(RequestDelegate next, CredentialAuthenticator authenticator, AuditWriter audit, IdentityMetrics metrics, TimeProvider timeProvider)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Orchestrators probe without credentials; the probes reveal nothing but up or ready. The dashboard's page
        // and assets hold no data: the page asks for the admin key and sends it with every data call.
        if (context.Request.Path.Value is "/healthz" or "/readyz" || Dashboard.DashboardEndpoints.IsPublicAsset(context.Request))
        {
            await next(context);
            return;
        }

        var failure = CredentialReader.TryRead(context.Request.Headers, out var credential);
        var result = failure == AuthFailure.None
            ? await authenticator.AuthenticateAsync(credential!, context.RequestAborted)
            : AuthResult.Fail(failure);
        if (result.Caller is not { } caller)
        {
            var error = GatewayError.ForAuthFailure(result);
            audit.Record(AuthAudit.Refused(context, "admin", result, error.Code, timeProvider.GetUtcNow()));
            metrics.AuthRefused("admin", error.Code);
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        if (!caller.IsAdmin)
        {
            var error = GatewayError.AdminKeyRequired();
            audit.Record(AuthAudit.Refused(context, "admin", result, error.Code, timeProvider.GetUtcNow()));
            metrics.AuthRefused("admin", error.Code);
            await GatewayErrorWriter.WriteAsync(context, error);
            return;
        }

        context.Features.Set(caller);
        try
        {
            await next(context);
        }
        finally
        {
            audit.Record(AuthAudit.AdminCall(context, caller, timeProvider.GetUtcNow()));
        }
    }
}

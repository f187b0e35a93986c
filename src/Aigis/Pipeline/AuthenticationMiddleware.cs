using Aigis.Core.Configuration;
using Aigis.Hosting;
using Aigis.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Aigis.Pipeline;

/// <summary>
/// The public listener's authentication stage: every request, whatever its path, needs one valid API key
/// unless the config says <c>gateway.auth: disabled</c> (read per request, so a reload applies at once). The
/// caller goes on the request as a <see cref="CallerIdentity"/> feature and the key is removed from the
/// request; a refusal is a 401 in OpenAI's shape and an audit event. With auth disabled, headers pass untouched
/// (a client may be authenticating to the model service itself).
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, GatewayState state, CredentialAuthenticator authenticator, AuditWriter audit, IdentityMetrics metrics, TimeProvider timeProvider)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (state.Config.Gateway.Auth == AuthMode.Disabled)
        {
            return next(context);
        }

        var failure = CredentialReader.TryRead(context.Request.Headers, out var credential);
        if (failure != AuthFailure.None)
        {
            return RefuseAsync(context, AuthResult.Fail(failure));
        }

        var pending = authenticator.AuthenticateAsync(credential!, context.RequestAborted);
        return pending.IsCompletedSuccessfully ? Continue(context, pending.Result) : AwaitAsync(context, pending);
    }

    private async Task AwaitAsync(HttpContext context, ValueTask<AuthResult> pending)
    {
        // Only a key the cache did not hold costs a store lookup: that is the stage's real work worth a span.
        AuthResult result;
        using (Telemetry.GatewayTracing.StartStage(Telemetry.GatewayTracing.AuthenticationSpan))
        {
            result = await pending;
        }

        await Continue(context, result);
    }

    private Task Continue(HttpContext context, AuthResult result)
    {
        if (!result.Succeeded)
        {
            return RefuseAsync(context, result);
        }

        context.Features.Set(result.Caller);
        var record = context.Record();
        record.Tenant = result.Caller!.Tenant;
        record.KeyId = result.Caller.KeyId;

        // The key is the gateway's credential, not the model service's: it never travels upstream.
        var headers = context.Request.Headers;
        headers.Remove(HeaderNames.Authorization);
        headers.Remove(CredentialReader.ApiKeyHeader);
        return next(context);
    }

    private Task RefuseAsync(HttpContext context, AuthResult result)
    {
        var error = GatewayError.ForAuthFailure(result);
        audit.Record(AuthAudit.Refused(context, "public", result, error.Code, timeProvider.GetUtcNow()));
        metrics.AuthRefused("public", error.Code);
        return GatewayErrorWriter.WriteAsync(context, error, PipelineStage.Authentication);
    }
}

using Aigis.Store;
using Microsoft.AspNetCore.Http;

namespace Aigis.Identity;

/// <summary>Builds the audit events for authentication refusals and admin calls from a request.</summary>
internal static class AuthAudit
{
    private const int MaxPathLength = 200;

    /// <summary>
    /// A refused request. The actor is the key only when its secret was proven (expired or revoked); a key id
    /// guessed with a wrong secret is the subject. Nothing of the presented credential itself is kept: it might
    /// be a secret meant for somewhere else.
    /// </summary>
    public static AuditEvent Refused(HttpContext context, string listener, AuthResult result, string code, DateTimeOffset at)
    {
        var proven = result.Failure is AuthFailure.Expired or AuthFailure.Revoked || (result.Failure == AuthFailure.None && result.KeyId is not null);
        return new AuditEvent(at, AuditActions.AuthRefused, "refused",
            proven ? result.KeyId! : AuditActions.Anonymous,
            proven ? null : result.KeyId,
            code,
            context.TraceIdentifier,
            context.Connection.RemoteIpAddress?.ToString(),
            Describe(context, listener));
    }

    public static AuditEvent AdminCall(HttpContext context, CallerIdentity caller, DateTimeOffset at) =>
        new(at, AuditActions.AdminCall, context.Response.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture),
            caller.KeyId, null, null, context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString(), Describe(context, "admin"));

    public static AuditActor Actor(HttpContext context, CallerIdentity caller) =>
        new(caller.KeyId, context.TraceIdentifier, context.Connection.RemoteIpAddress?.ToString());

    // The path only, never the query string (where a careless client may put a key) or the body.
    private static string Describe(HttpContext context, string listener)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path.Length > MaxPathLength)
        {
            path = path[..MaxPathLength] + "...";
        }

        return $"{listener} {context.Request.Method} {path}";
    }
}

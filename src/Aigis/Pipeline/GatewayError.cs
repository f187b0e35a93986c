namespace Aigis.Pipeline;

/// <summary>
/// A refusal the gateway answers itself, in OpenAI's error shape. Each kind has its own status and
/// <c>code</c>, so clients and dashboards can tell them apart without parsing messages.
/// </summary>
internal readonly record struct GatewayError(int StatusCode, string Type, string Code, string Message, string? Param = null)
{
    public static GatewayError InvalidJson(string detail) =>
        new(400, "invalid_request_error", "invalid_json", $"We could not parse the JSON body of your request: {detail}. The body must be a JSON object.");

    public static GatewayError BodyNotObject() =>
        new(400, "invalid_request_error", "invalid_json", "The request body must be a JSON object.");

    public static GatewayError MissingModel() =>
        new(400, "invalid_request_error", "missing_model", "You must provide a model parameter.", "model");

    public static GatewayError ModelNotString() =>
        new(400, "invalid_request_error", "invalid_model", "The model parameter must be a string.", "model");

    public static GatewayError UnknownModel(string model) =>
        new(404, "invalid_request_error", "model_not_found", $"The model `{Truncate(model)}` does not exist or you do not have access to it.", "model");

    public static GatewayError UnknownService(string service) =>
        new(404, "invalid_request_error", "service_not_found", $"The service `{Truncate(service)}` does not exist or you do not have access to it.");

    public static GatewayError NotFound(string path) =>
        new(404, "invalid_request_error", "not_found", $"There is no endpoint at `{Truncate(path)}`. Model APIs are under /v1/ and other services under /svc/NAME/.");

    public static GatewayError MethodNotAllowed(string method, string path, string allowed) =>
        new(405, "invalid_request_error", "method_not_allowed", $"{Truncate(method)} is not allowed on {path}; use {allowed}.");

    public static GatewayError BodyTooLarge(long limit) =>
        new(413, "invalid_request_error", "request_too_large", $"The request body is larger than the gateway's limit of {Core.Configuration.SizeParser.Format(limit)}.");

    public static GatewayError BodyUnreadable() =>
        new(400, "invalid_request_error", "bad_request_body", "The request body could not be read.");

    public static GatewayError InvalidCacheDirective(string value) =>
        new(400, "invalid_request_error", "invalid_cache_directive", $"The x-aigis-cache header must be `use`, `bypass` or `refresh`, not `{Truncate(value)}`.");

    public static GatewayError NoInstance(string service) =>
        new(503, "server_error", "no_upstream", $"The service `{service}` has no instance to serve this request.");

    public static GatewayError Overloaded(string service, int retryAfterSeconds) =>
        new(503, "server_error", "overloaded", $"The service `{service}` is at capacity; retry after {retryAfterSeconds} s.");

    public static GatewayError ShuttingDown() =>
        new(503, "server_error", "shutting_down", "The gateway is shutting down and cut this request before its answer came; retry the request.");

    public static GatewayError UpstreamUnreachable(string service) =>
        new(502, "server_error", "upstream_unreachable", $"The service `{service}` could not be reached.");

    public static GatewayError UpstreamFailed(string service) =>
        new(502, "server_error", "upstream_error", $"The service `{service}` failed while answering.");

    /// <param name="which">The timeout that fired, as the config names it: connect, firstByte, idle or total.</param>
    public static GatewayError UpstreamTimedOut(string service, string which, TimeSpan timeout) =>
        new(504, "server_error", "upstream_timeout", $"The service `{service}` did not answer within {Core.Configuration.DurationParser.Format(timeout)} (its {which} timeout).");

    public static GatewayError MissingApiKey() =>
        new(401, "authentication_error", "missing_api_key", "You didn't provide an API key. Send it as `Authorization: Bearer KEY` or `x-api-key: KEY`.");

    public static GatewayError InvalidApiKey() =>
        new(401, "authentication_error", "invalid_api_key", "Incorrect API key provided.");

    public static GatewayError AmbiguousCredentials() =>
        new(401, "authentication_error", "ambiguous_credentials", "Send exactly one credential: one `Authorization: Bearer KEY` header, or one `x-api-key` header with the same key.");

    public static GatewayError ExpiredApiKey(bool rotated) =>
        new(401, "authentication_error", "expired_api_key", rotated
            ? "This API key was rotated and its overlap period has ended; use the key that replaced it."
            : "This API key has expired; ask an administrator for a new one.");

    public static GatewayError RevokedApiKey() =>
        new(401, "authentication_error", "revoked_api_key", "This API key has been revoked.");

    public static GatewayError AuthUnavailable() =>
        new(503, "server_error", "auth_unavailable", "The gateway could not check your API key just now; try again.");

    public static GatewayError AdminKeyRequired() =>
        new(403, "permission_error", "admin_key_required", "This is the admin API; it needs a key with the admin role.");

    /// <summary>The refusal for an authentication failure (not <see cref="Identity.AuthFailure.None"/>).</summary>
    public static GatewayError ForAuthFailure(Identity.AuthResult result) => result.Failure switch
    {
        Identity.AuthFailure.Missing => MissingApiKey(),
        Identity.AuthFailure.Ambiguous => AmbiguousCredentials(),
        Identity.AuthFailure.Expired => ExpiredApiKey(result.Rotated),
        Identity.AuthFailure.Revoked => RevokedApiKey(),
        Identity.AuthFailure.StoreUnavailable => AuthUnavailable(),
        Identity.AuthFailure.InvalidToken => new(401, "authentication_error", "invalid_token", "The bearer token is not valid for this gateway."),
        Identity.AuthFailure.ExpiredToken => new(401, "authentication_error", "expired_token", "The bearer token has expired; get a new one from your identity provider."),
        Identity.AuthFailure.TokenWithoutTenant => new(401, "authentication_error", "missing_tenant_claim", "The bearer token names no tenant; the identity provider must set the tenant claim."),
        _ => InvalidApiKey(),
    };

    // Echoing user input is useful, echoing megabytes of it is not.
    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "...";
}

using Aigis.Pipeline;

namespace Aigis.Security;

/// <summary>The refusals of the security stages, each with its own <c>code</c>.</summary>
internal static class SecurityErrors
{
    public static GatewayError RequestBlocked(string requestId) =>
        new(403, "permission_error", "request_blocked", $"This request was blocked by the gateway's intrusion detection. If you believe this is a mistake, contact the operator with request id {requestId}.");

    public static GatewayError PromptInjectionBlocked(string requestId) =>
        new(403, "permission_error", "prompt_injection_blocked", $"This request was blocked because its messages look like a prompt injection. If you believe this is a mistake, contact the operator with request id {requestId}.");

    public static GatewayError AddressDenied(string requestId) =>
        new(403, "permission_error", "address_denied", $"Requests from your address are not allowed here (request id {requestId}).");

    public static GatewayError AddressBanned(string requestId, DateTimeOffset until) =>
        new(403, "permission_error", "address_banned", $"Your address is temporarily banned after repeated refused requests, until {until:yyyy-MM-ddTHH:mm:ssZ} (request id {requestId}).");

    public static GatewayError TooManyHeaders(int limit) =>
        new(431, "invalid_request_error", "headers_too_large", $"The request has more than {limit} headers.");

    public static GatewayError HeadersTooLarge(long limit) =>
        new(431, "invalid_request_error", "headers_too_large", $"The request headers are larger than {Core.Configuration.SizeParser.Format(limit)}.");

    public static GatewayError UrlTooLong(int limit) =>
        new(414, "invalid_request_error", "url_too_long", $"The request URL is longer than {limit} characters.");
}

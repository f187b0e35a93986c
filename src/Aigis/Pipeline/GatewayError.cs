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

    public static GatewayError NoInstance(string service) =>
        new(503, "server_error", "no_upstream", $"The service `{service}` has no instance to serve this request.");

    public static GatewayError UpstreamUnreachable(string service) =>
        new(502, "server_error", "upstream_unreachable", $"The service `{service}` could not be reached.");

    public static GatewayError UpstreamFailed(string service) =>
        new(502, "server_error", "upstream_error", $"The service `{service}` failed while answering.");

    public static GatewayError UpstreamTimedOut(string service, TimeSpan timeout) =>
        new(504, "server_error", "upstream_timeout", $"The service `{service}` did not answer within {Core.Configuration.DurationParser.Format(timeout)}.");

    // Echoing user input is useful, echoing megabytes of it is not.
    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "...";
}

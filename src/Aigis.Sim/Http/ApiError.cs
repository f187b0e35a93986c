using Aigis.Sim.Http.Payloads;

namespace Aigis.Sim.Http;

/// <summary>A refused request, answered in OpenAI's error shape.</summary>
internal sealed record ApiError(int StatusCode, string Message, string? Param = null, string? Code = null)
{
    /// <summary>OpenAI's error type for everything the simulator refuses.</summary>
    public const string InvalidRequestType = "invalid_request_error";

    public static ApiError InvalidRequest(string message, string? param = null, string? code = null) =>
        new(StatusCodes.Status400BadRequest, message, param, code);

    public static ApiError InvalidType(string param, string expected, string actual) =>
        InvalidRequest($"Invalid type for '{param}': expected {expected}, but got {actual} instead.", param, "invalid_type");

    public static ApiError MissingParameter(string param) =>
        InvalidRequest($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    public static ApiError ModelNotFound(string model) =>
        new(StatusCodes.Status404NotFound, $"The model `{model}` does not exist or you do not have access to it.", "model", "model_not_found");

    public static ApiError InvalidUrl(string method, string path) =>
        new(StatusCodes.Status404NotFound, $"Invalid URL ({method} {path})");

    public static ApiError ShuttingDown { get; } =
        new(StatusCodes.Status503ServiceUnavailable, "aigis-sim is shutting down.");

    public Task WriteAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = StatusCode;
        var envelope = new ErrorEnvelope(new ErrorBody(Message, InvalidRequestType, Param, Code));
        return context.Response.WriteAsJsonAsync(envelope, SimJson.Context.ErrorEnvelope, contentType: null, context.RequestAborted);
    }
}

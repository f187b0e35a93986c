using Aigis.Sim.Http.Payloads;

namespace Aigis.Sim.Faults;

/// <summary>The answer to a request chosen by error_rate: OpenAI's error shape with the configured status.</summary>
internal static class InjectedError
{
    /// <summary>The error code of every injected error, so a test can tell it from a real refusal.</summary>
    public const string Code = "injected_fault";

    public static Task WriteAsync(HttpContext context, int statusCode)
    {
        ArgumentNullException.ThrowIfNull(context);
        // The types OpenAI's API uses for these classes of status.
        var type = statusCode switch
        {
            >= 500 => "server_error",
            429 => "rate_limit_error",
            _ => "invalid_request_error",
        };
        var message = $"aigis-sim injected this {statusCode} error (fault error_rate).";
        context.Response.StatusCode = statusCode;
        var envelope = new ErrorEnvelope(new ErrorBody(message, type, Param: null, Code));
        return context.Response.WriteAsJsonAsync(envelope, SimJson.Context.ErrorEnvelope, contentType: null, context.RequestAborted);
    }
}

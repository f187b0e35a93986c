using Aigis.Serialization;
using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

internal static class GatewayErrorWriter
{
    /// <summary>
    /// Writes <paramref name="error"/> as the whole response, replacing anything set so far but the request id.
    /// On the public listener, <paramref name="stage"/> names the <see cref="PipelineStage"/> that refused the request.
    /// </summary>
    public static Task WriteAsync(HttpContext context, GatewayError error, string? stage = null)
    {
        if (context.Features.Get<RequestRecord>() is { } record)
        {
            record.ErrorCode = error.Code;
            record.RefusedBy = stage ?? record.RefusedBy;
        }

        if (context.Response.HasStarted)
        {
            // Too late for a status line; the caller ends the stream its own way.
            return Task.CompletedTask;
        }

        context.Response.Clear();
        RequestIdMiddleware.Stamp(context);
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = "application/json";
        if (error.StatusCode == StatusCodes.Status401Unauthorized)
        {
            // RFC 9110: a 401 names the scheme that would work.
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"aigis\"";
        }

        var body = new OpenAiErrorBody(new OpenAiError(error.Message, error.Type, error.Param, error.Code));
        return context.Response.WriteAsJsonAsync(body, GatewayJsonContext.Default.OpenAiErrorBody, contentType: "application/json", context.RequestAborted);
    }
}

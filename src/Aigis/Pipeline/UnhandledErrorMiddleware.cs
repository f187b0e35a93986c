using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aigis.Pipeline;

/// <summary>
/// The one catch-all on the public path: a bug must cost one request a 500 in OpenAI's shape, never a stack
/// trace on the wire. Cancellation by the client is not an error and passes through.
/// </summary>
internal sealed partial class UnhandledErrorMiddleware(RequestDelegate next, ILogger<UnhandledErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
#pragma warning disable CA1031 // Deliberate: this is the boundary that turns any failure into a response.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Unhandled(logger, e, context.TraceIdentifier);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            await GatewayErrorWriter.WriteAsync(context, new GatewayError(500, "server_error", "internal_error", $"The gateway failed to handle request {context.TraceIdentifier}."), PipelineStage.Internal);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(20, LogLevel.Error, "Request {RequestId} failed inside the gateway")]
        public static partial void Unhandled(ILogger logger, Exception exception, string requestId);
    }
}

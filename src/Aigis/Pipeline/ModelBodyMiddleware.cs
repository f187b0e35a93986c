using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// After authentication (no body is read for a caller the gateway does not know): reads a model request's body
/// once, within <c>gateway.maxBodySize</c>, into a pooled buffer that every later stage and the forwarder use, and
/// resolves the model to its service. A body that is too large or not a JSON object with a string <c>model</c> is
/// refused here (413, 400). A model nobody serves is not refused here: authorization and the router answer it
/// exactly as a model the caller may not use (404 <c>model_not_found</c>).
/// </summary>
internal sealed class ModelBodyMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        context.Resolved() is { IsModelCall: true } request ? ReadAsync(context, request) : next(context);

    private async Task ReadAsync(HttpContext context, GatewayRequest request)
    {
        var (body, error) = await ModelRequestReader.ReadAsync(context, request.Snapshot.Config.Gateway.MaxBodySize);
        if (body is null)
        {
            if (error is { } refusal)
            {
                await GatewayErrorWriter.WriteAsync(context, refusal, PipelineStage.RequestLimits);
            }

            return;
        }

        // Back to the pool when the response is done, whichever stage ends the request.
        context.Response.RegisterForDispose(body);
        request.SetBody(body);
        var record = context.Record();
        record.Streamed = body.Stream;
        if (request.Route is { } route)
        {
            // Only names the gateway serves reach logs and metric labels, never whatever a client typed.
            record.Model = body.Model;
            record.Service = route.Name;
        }

        await next(context);
    }
}

using Aigis.Hosting;
using Microsoft.AspNetCore.Http;

namespace Aigis.Pipeline;

/// <summary>
/// The first stage after the request id: takes the config snapshot once and resolves what the request is for
/// (<see cref="GatewayRequest"/>), from its path alone. Nothing is refused here: the stages after it decide, each
/// on this one reading.
/// </summary>
internal sealed class RequestResolutionMiddleware(RequestDelegate next, GatewayState state)
{
    public Task InvokeAsync(HttpContext context)
    {
        var request = GatewayRequest.Resolve(state.Snapshot, context.Request.Method, context.Request.Path.Value ?? "/");
        context.Features.Set(request);
        if (request.Kind == EndpointKind.Service)
        {
            context.Record().Service = request.ServiceName;
        }

        return next(context);
    }
}

using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Aigis.Proxy;

/// <summary>
/// YARP's default header copying, plus: the response keeps the gateway's <c>x-request-id</c> even when the
/// upstream sends its own (the client must see one id, the one in our logs).
/// </summary>
internal sealed class GatewayTransformer : HttpTransformer
{
    public static readonly GatewayTransformer Instance = new();

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        RequestIdMiddleware.Stamp(httpContext);
        return result;
    }
}

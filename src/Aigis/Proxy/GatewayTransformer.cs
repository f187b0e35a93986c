using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Aigis.Proxy;

/// <summary>
/// YARP's default header copying, plus: the response keeps the gateway's <c>x-request-id</c> even when the
/// upstream sends its own (the client must see one id, the one in our logs), and the time to the upstream's
/// response headers feeds the instance's latency estimate (peak-EWMA balancing reads it).
/// </summary>
internal sealed class GatewayTransformer(TimeProvider time) : HttpTransformer
{
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && httpContext.Features.Get<UpstreamAttempt>() is { } attempt)
        {
            var now = time.GetTimestamp();
            attempt.Instance.Latency.Record(time.GetElapsedTime(attempt.StartedAt, now), now, time);
        }

        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        RequestIdMiddleware.Stamp(httpContext);
        return result;
    }
}

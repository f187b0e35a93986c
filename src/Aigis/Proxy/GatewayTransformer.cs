using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Aigis.Proxy;

/// <summary>
/// YARP's default header copying, plus: the response keeps the gateway's <c>x-request-id</c> even when the
/// upstream sends its own (the client must see one id, the one in our logs), and the time to the upstream's
/// first body byte (for an LLM stream, its first token) feeds the instance's latency estimate (peak-EWMA reads it)
/// and ends the prompt's pending prefill there (prefix-aware reads it).
/// </summary>
internal sealed class GatewayTransformer(TimeProvider time) : HttpTransformer
{
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is not null && httpContext.Features.Get<UpstreamAttempt>() is { } attempt)
        {
            // YARP reads the body from the response after this transform, so the wrapper sees its first bytes.
            // An answer without a body is timed at its headers.
            if (proxyResponse.Content.Headers.ContentLength == 0)
            {
                Record(attempt);
            }
            else
            {
                proxyResponse.Content = new FirstByteTimingContent(proxyResponse.Content, () => Record(attempt));
            }
        }

        RequestIdMiddleware.Stamp(httpContext);
        return result;
    }

    private void Record(UpstreamAttempt attempt)
    {
        var now = time.GetTimestamp();
        attempt.FirstByteAt = now;
        attempt.Instance.Latency.Record(time.GetElapsedTime(attempt.StartedAt, now), now, time);
        attempt.SettlePrefill();
    }
}

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
internal sealed class GatewayTransformer(TimeProvider time, Telemetry.GatewayMetrics metrics) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);

        // The upstream's parent is our span for this attempt (or the request's), never whatever the client sent.
        var headers = proxyRequest.Headers;
        headers.Remove(Telemetry.GatewayTracing.TraceParentHeader);
        headers.Remove(Telemetry.GatewayTracing.TraceStateHeader);
        if (System.Diagnostics.Activity.Current is { } activity)
        {
            headers.TryAddWithoutValidation(Telemetry.GatewayTracing.TraceParentHeader, Telemetry.GatewayTracing.TraceParent(activity));
            if (activity.TraceStateString is { } state)
            {
                headers.TryAddWithoutValidation(Telemetry.GatewayTracing.TraceStateHeader, state);
            }
        }
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyResponse is not null && httpContext.Features.Get<UpstreamAttempt>() is { } attempt)
        {
            // YARP reads the body from the response after this transform, so the wrapper sees its first bytes.
            // An answer without a body is timed at its headers.
            var record = httpContext.Record();
            if (proxyResponse.Content.Headers.ContentLength == 0)
            {
                Record(attempt, record);
            }
            else
            {
                // Token counts are read from model answers only; other services' bodies are not ours to parse.
                var usage = record.Model is not null ? new UsageTail(record) : null;
                proxyResponse.Content = new FirstByteTimingContent(proxyResponse.Content, () => Record(attempt, record), usage);
            }
        }

        RequestIdMiddleware.Stamp(httpContext);
        return result;
    }

    private void Record(UpstreamAttempt attempt, RequestRecord record)
    {
        var now = time.GetTimestamp();
        var latency = time.GetElapsedTime(attempt.StartedAt, now);
        attempt.Instance.Latency.Record(latency, now, time);
        attempt.SettlePrefill();
        record.FirstByteAt = now;
        metrics.RecordUpstreamLatency(attempt.Instance, latency);
    }
}

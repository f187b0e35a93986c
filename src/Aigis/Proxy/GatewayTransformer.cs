using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Aigis.Proxy;

/// <summary>
/// YARP's default header copying, plus: the response keeps the gateway's <c>x-request-id</c> even when the
/// upstream sends its own (the client must see one id, the one in our logs); the attempt rides on the outgoing
/// request so <see cref="UpstreamDeadlineHandler"/> can bound the wait for headers; and the body goes through
/// <see cref="GuardedResponseContent"/>, whose first bytes are awaited here, before YARP sends anything to the
/// client, so that a retryable failure (a 502/503/504, a reset, a stall, a broken stream) can still be retried.
/// The first body byte feeds the instance's latency estimate (peak-EWMA) and ends the prompt's pending prefill
/// there (prefix-aware), through <see cref="UpstreamAttempt.OnFirstByte"/>.
/// </summary>
internal sealed class GatewayTransformer(Telemetry.GatewayMetrics metrics) : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        if (httpContext.Features.Get<UpstreamAttempt>() is { } attempt)
        {
            proxyRequest.Options.Set(UpstreamAttempt.OptionKey, attempt);
            attempt.Record = httpContext.Record();
            attempt.Metrics = metrics;
        }

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
        var attempt = httpContext.Features.Get<UpstreamAttempt>();
        if (proxyResponse is not null && attempt is not null)
        {
            attempt.StatusCode = (int)proxyResponse.StatusCode;
            if (attempt.MayRetry && attempt.StatusCode is StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout)
            {
                // Held back: the forwarder retries elsewhere or falls back, and answers itself if neither works.
                attempt.Failure = UpstreamFailure.RetryableStatus;
                return false;
            }
        }

        var result = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        RequestIdMiddleware.Stamp(httpContext);
        if (!result || proxyResponse is null || attempt is null)
        {
            return result;
        }

        if (proxyResponse.Content.Headers.ContentLength == 0)
        {
            // An answer without a body is timed at its headers.
            attempt.OnFirstByte();
            return true;
        }

        var eventStream = string.Equals(proxyResponse.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase);
        // Token counts are read from model answers only; other services' bodies are not ours to parse.
        var record = httpContext.Record();
        var meter = record.Model is not null ? new ResponseMeter(record, httpContext.Features.Get<Limits.MeteredModel>()?.Usage.Counter) : null;
        var guarded = new GuardedResponseContent(proxyResponse.Content, attempt, eventStream, meter);
        proxyResponse.Content = guarded;
        attempt.Holds(guarded);

        // Nothing is sent to the client until the first bytes are in hand; a failure now is answered by the forwarder.
        return await guarded.PrimeAsync(cancellationToken);
    }
}

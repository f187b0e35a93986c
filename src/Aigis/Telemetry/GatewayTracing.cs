using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace Aigis.Telemetry;

/// <summary>
/// The gateway's spans (ActivitySource <see cref="SourceName"/>): one server span per request, and child spans for
/// the stages that do real work and for each upstream attempt. Whether a span is recorded is the sampler's call;
/// a request always has a span context, so its trace id is logged and sent upstream even when it is not sampled.
/// </summary>
internal static class GatewayTracing
{
    public const string SourceName = "Aigis.Gateway";
    public const string RequestSpan = "aigis.request";
    public const string UpstreamSpan = "aigis.upstream";
    public const string RouteSpan = "aigis.route";
    public const string AuthenticationSpan = "aigis.authentication";
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    // One source for the process, as ActivitySource is meant to be used; listeners (tracer providers) come and go per host.
    public static readonly ActivitySource Source = new(SourceName, "1.0");

    /// <summary>
    /// Starts the request's span. The client's <c>traceparent</c>, when valid, is continued (same trace id), so a
    /// caller can find its request in our traces; whether we record it is still our sampler's decision.
    /// </summary>
    public static Activity StartRequest(HttpContext context)
    {
        var headers = context.Request.Headers;
        var hasParent = ActivityContext.TryParse(headers.TraceParent, headers.TraceState, isRemote: true, out var parent);
        var activity = Source.StartActivity(RequestSpan, ActivityKind.Server, hasParent ? parent : default);
        if (activity is null)
        {
            // No listener, or the sampler dropped a continued trace: a bare activity still gives the request a span
            // id in the same trace, which the upstream's traceparent and the access log carry.
            activity = new Activity(RequestSpan);
            if (hasParent)
            {
                activity.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags & ~ActivityTraceFlags.Recorded);
            }

            activity.SetIdFormat(ActivityIdFormat.W3C);
            activity.Start();
        }

        return activity;
    }

    /// <summary>A child span for one upstream attempt; null when the request is not sampled.</summary>
    public static Activity? StartUpstream(Core.Routing.UpstreamInstance instance, int attempt)
    {
        var activity = Source.StartActivity(UpstreamSpan, ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("aigis.service", instance.ServiceName);
            activity.SetTag("aigis.instance", instance.Id);
            activity.SetTag("server.address", instance.Url.Host);
            activity.SetTag("server.port", instance.Url.Port);
            activity.SetTag("aigis.attempt", attempt);
        }

        return activity;
    }

    /// <summary>A child span for a stage's own work (reading the body, checking a key in the store); null when not sampled.</summary>
    public static Activity? StartStage(string name) => Source.StartActivity(name, ActivityKind.Internal);

    /// <summary>The <c>traceparent</c> header value naming <paramref name="activity"/> as the upstream's parent.</summary>
    public static string TraceParent(Activity activity) => activity.Id!;
}

using System.Diagnostics;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Http;

namespace Aigis.Telemetry;

/// <summary>
/// The outermost public stage after the request id: opens the request's span, lets the pipeline run, and once the
/// response has ended (a stream included: the forwarder returns after its last chunk) records the request's
/// metrics and writes its access-log line from the <see cref="RequestRecord"/> the stages filled in.
/// </summary>
internal sealed class TelemetryMiddleware(RequestDelegate next, GatewayMetrics metrics, AccessLogWriter accessLog, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var record = context.Record();
        var operation = GenAiOperation.Of(context.Request.Path.Value);
        using var activity = GatewayTracing.StartRequest(context);
        try
        {
            await next(context);
        }
        finally
        {
            var endedAt = time.GetTimestamp();
            var status = context.Response.StatusCode;
            var aborted = context.RequestAborted.IsCancellationRequested;
            metrics.RecordRequest(record, operation, status, aborted, endedAt);
            accessLog.Write(context, record, activity, status, aborted, endedAt);
            if (activity.IsAllDataRequested)
            {
                Annotate(activity, context, record, status);
            }
        }
    }

    private static void Annotate(Activity activity, HttpContext context, RequestRecord record, int status)
    {
        activity.DisplayName = record.Service is null ? RequestSpanName(context) : $"{context.Request.Method} {record.Service}";
        activity.SetTag("http.request.method", context.Request.Method);
        activity.SetTag("http.response.status_code", status);
        activity.SetTag("aigis.request_id", context.TraceIdentifier);
        activity.SetTag("aigis.service", record.Service);
        activity.SetTag("aigis.tenant", record.Tenant);
        activity.SetTag("gen_ai.request.model", record.Model);
        activity.SetTag("aigis.instance", record.InstanceId);
        activity.SetTag("aigis.attempts", record.Attempts);
        if (record.RefusedBy is { } stage)
        {
            activity.SetTag("aigis.refused_by", stage);
            activity.SetTag("error.type", record.ErrorCode);
        }

        // A refusal with a 4xx is the gateway doing its job, not a failure of the span.
        if (status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error, record.ErrorCode);
        }
    }

    private static string RequestSpanName(HttpContext context) => context.Request.Method;
}

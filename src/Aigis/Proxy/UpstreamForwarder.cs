using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using Aigis.Pipeline;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Aigis.Proxy;

/// <summary>
/// Sends a request to one instance of a service with YARP's forwarder and turns YARP's failure values
/// into the gateway's errors. The request path and body are whatever the caller left on the context.
/// </summary>
internal sealed partial class UpstreamForwarder(
    IHttpForwarder forwarder, UpstreamInvokers invokers, GatewayTransformer transformer, TimeProvider time, ILogger<UpstreamForwarder> logger,
    Admission.AdmissionGate admission, Hosting.Shutdown.ShutdownDrain drain)
{
    // One request config per distinct idle timeout, so forwarding allocates none per request.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> _requestConfigs = new();

    public async Task ForwardAsync(HttpContext context, ServiceRoute route, BalancingRequest request)
    {
        var instance = route.Pick(request);
        if (instance is null)
        {
            await GatewayErrorWriter.WriteAsync(context, GatewayError.NoInstance(route.Name), PipelineStage.Balance);
            return;
        }

        // Admission (Admission/AdmissionGate): a slot at this instance, a wait in its queue, or 503 overloaded (written).
        var ticket = await admission.EnterAsync(context, route, instance);
        if (!ticket.IsAdmitted)
        {
            return;
        }

        var timeouts = route.Config.Timeouts;
        var requestConfig = _requestConfigs.GetOrAdd(timeouts.Idle, static idle => new ForwarderRequestConfig { ActivityTimeout = idle });
        var error = ForwarderError.Request;
        var record = context.Record();
        record.InstanceId = instance.Id;
        record.Attempts++;
        instance.OnRequestStarted();
        var attempt = new UpstreamAttempt(instance, time.GetTimestamp(), request.PromptBlocks);
        context.Features.Set(attempt);
        try
        {
            error = await forwarder.SendAsync(context, instance.DestinationPrefix, invokers.Get(timeouts.Connect), requestConfig, transformer);
        }
        finally
        {
            attempt.SettlePrefill();
            instance.OnRequestFinished();
            admission.Exit(ticket, context, failed: error != ForwarderError.None);
        }

        if (error != ForwarderError.None)
        {
            await ReportAsync(context, route, instance, error);
        }
    }

    private Task ReportAsync(HttpContext context, ServiceRoute route, UpstreamInstance instance, ForwarderError error)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; there is nobody to answer.
            Log.ClientAborted(logger, context.TraceIdentifier, route.Name, instance.Id);
            return Task.CompletedTask;
        }

        Log.ForwardFailed(logger, context.TraceIdentifier, route.Name, instance.Id, error, exception?.Message ?? "");
        if (context.Response.HasStarted)
        {
            // YARP has aborted the client connection, so a cut stream is never mistaken for a finished one.
            return Task.CompletedTask;
        }

        var gatewayError = error switch
        {
            // Cut by the shutdown drain before the upstream answered.
            _ when drain.IsCut => GatewayError.ShuttingDown(),
            ForwarderError.RequestTimedOut => GatewayError.UpstreamTimedOut(route.Name, route.Config.Timeouts.Idle),
            ForwarderError.RequestBodyClient when exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                GatewayError.BodyTooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0),
            ForwarderError.RequestBodyClient when exception is BadHttpRequestException or ConnectionResetException => GatewayError.BodyUnreadable(),
            ForwarderError.Request or ForwarderError.RequestCanceled when IsConnectFailure(exception) => GatewayError.UpstreamUnreachable(route.Name),
            _ => GatewayError.UpstreamFailed(route.Name),
        };
        return GatewayErrorWriter.WriteAsync(context, gatewayError, PipelineStage.Forward);
    }

    private static bool IsConnectFailure(Exception? exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        OperationCanceledException { InnerException: TimeoutException } => true,
        _ => exception?.InnerException is System.Net.Sockets.SocketException,
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Request {RequestId} to service {Service} instance {InstanceId} failed: {Error} {Detail}")]
        public static partial void ForwardFailed(ILogger logger, string requestId, string service, string instanceId, ForwarderError error, string detail);

        [LoggerMessage(2, LogLevel.Debug, "Request {RequestId} to service {Service} instance {InstanceId}: the client went away")]
        public static partial void ClientAborted(ILogger logger, string requestId, string service, string instanceId);
    }
}

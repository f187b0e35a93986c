using System.Buffers;
using Aigis.Core.Balancing;
using Aigis.Core.Resilience;
using Aigis.Core.Routing;
using Aigis.Pipeline;
using Aigis.Resilience;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Aigis.Proxy;

/// <summary>
/// Turns how an upstream attempt ended (the body guard's verdict, YARP's error, the exception) into what it says
/// about the instance, for passive health, and the error the client gets if nothing else is tried.
/// </summary>
internal static class AttemptClassifier
{
    /// <summary>What the attempt says about the instance (null: nothing, the client was at fault) and the error for the client (null: served).</summary>
    public static (AttemptResult? Result, GatewayError? Error) Classify(HttpContext context, ServiceRoute route, UpstreamAttempt attempt, ForwarderError error, Exception? exception)
    {
        var timeouts = route.Config.Timeouts;
        switch (attempt.Failure)
        {
            case UpstreamFailure.RetryableStatus:
                return (AttemptResult.ServerError, GatewayError.UpstreamFailed(route.Name) with { StatusCode = attempt.StatusCode });
            case UpstreamFailure.FirstByteTimeout:
                return (AttemptResult.Timeout, GatewayError.UpstreamTimedOut(route.Name, "firstByte", timeouts.FirstByte));
            case UpstreamFailure.TotalTimeout:
                return (AttemptResult.Timeout, GatewayError.UpstreamTimedOut(route.Name, "total", timeouts.Total));
            case UpstreamFailure.IdleTimeout:
                return (AttemptResult.Timeout, GatewayError.UpstreamTimedOut(route.Name, "idle", timeouts.Idle));
            case UpstreamFailure.Cut or UpstreamFailure.Malformed:
                return (AttemptResult.Broken, GatewayError.UpstreamFailed(route.Name));
        }

        return error switch
        {
            ForwarderError.None => (attempt.StatusCode >= 500 ? AttemptResult.ServerError : AttemptResult.Success, null),
            ForwarderError.RequestBodyClient when exception is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (null, GatewayError.BodyTooLarge(context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0)),
            ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled =>
                (null, GatewayError.BodyUnreadable()),
            ForwarderError.RequestTimedOut => (AttemptResult.Timeout, GatewayError.UpstreamTimedOut(route.Name, "idle", timeouts.Idle)),
            _ when IsConnectTimeout(exception) => (AttemptResult.ConnectFailure, GatewayError.UpstreamTimedOut(route.Name, "connect", timeouts.Connect)),
            ForwarderError.Request or ForwarderError.RequestCanceled when IsConnectFailure(exception) => (AttemptResult.ConnectFailure, GatewayError.UpstreamUnreachable(route.Name)),
            _ => (AttemptResult.Broken, GatewayError.UpstreamFailed(route.Name)),
        };
    }

    /// <summary>The timeout's name as a metric label.</summary>
    public static string TimeoutName(UpstreamFailure failure) => failure switch
    {
        UpstreamFailure.FirstByteTimeout => "first_byte",
        UpstreamFailure.TotalTimeout => "total",
        _ => "idle",
    };

    private static bool IsConnectTimeout(Exception? exception) =>
        exception is OperationCanceledException { InnerException: TimeoutException } || exception?.InnerException is OperationCanceledException { InnerException: TimeoutException };

    private static bool IsConnectFailure(Exception? exception) => exception switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        _ => exception?.InnerException is System.Net.Sockets.SocketException,
    };
}

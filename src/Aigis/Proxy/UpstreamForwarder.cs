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
/// Sends a request to an instance of a service with YARP's forwarder, retrying where it is safe and falling back
/// to the service's <c>fallback</c> list, and turns failures into the gateway's errors.
/// </summary>
/// <remarks>
/// An attempt is retried on an instance not tried yet when it failed to connect, answered 502/503/504, was reset,
/// or timed out, all before any byte reached the client, and only while the service's retry budget allows. When a
/// service has no instance left, or its attempts are spent on such failures (or admission sheds the request), the
/// request goes to the next fallback with its <c>model</c> rewritten. Every attempt's outcome feeds the instance's
/// passive health.
/// </remarks>
internal sealed partial class UpstreamForwarder(
    IHttpForwarder forwarder, UpstreamInvokers invokers, GatewayTransformer transformer, InstanceHealthEvents health,
    ResilienceMetrics metrics, TimeProvider time, ILogger<UpstreamForwarder> logger,
    Admission.AdmissionGate admission, Hosting.Shutdown.ShutdownDrain drain, UpstreamDeadlines deadlines)
{
    // One request config per distinct activity timeout, so forwarding allocates none per request.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<TimeSpan, ForwarderRequestConfig> _requestConfigs = new();

    /// <summary>Forwards to <paramref name="route"/> and its fallbacks. <paramref name="model"/> is the buffered body of a model request; null for <c>/svc/</c>.</summary>
    public async Task ForwardAsync(HttpContext context, RouteTable routes, ServiceRoute route, BalancingRequest request, ModelRequest? model)
    {
        var total = route.Config.Timeouts.Total;
        var deadline = deadlines.Rent();
        try
        {
            var attempt = new UpstreamAttempt(time, time.GetTimestamp() + (long)(total.TotalSeconds * time.TimestampFrequency), total, model?.Stream == true, deadline);
            context.Features.Set(attempt);
            await ForwardWithFallbacksAsync(context, routes, route, request, model, attempt);
        }
        finally
        {
            // Whatever path the request ended on: its deadline, timer and registrations do not outlive it.
            deadline.Return();
        }
    }

    private async Task ForwardWithFallbacksAsync(HttpContext context, RouteTable routes, ServiceRoute route, BalancingRequest request, ModelRequest? model, UpstreamAttempt attempt)
    {
        var body = model is not null ? ReplayableBody.Buffered(model.Body) : ReplayableBody.Streamed(context.Request.Body);
        var state = new ForwardState(body, route.Config.Fallback.Count > 0);
        var current = route;
        var next = 0;
        while (true)
        {
            var outcome = await TryServiceAsync(context, current, request, attempt, state);
            if (outcome is ForwardOutcome.Served or ForwardOutcome.Failed or ForwardOutcome.ClientGone)
            {
                return;
            }

            var fallback = NextFallback(routes, route, ref next);
            state.HasFallback = next < route.Config.Fallback.Count;
            if (fallback is null || !body.CanReplay || attempt.Until(attempt.TotalDeadline) <= TimeSpan.Zero)
            {
                await GatewayErrorWriter.WriteAsync(context, state.LastError ?? GatewayError.NoInstance(route.Name), state.LastErrorStage);
                return;
            }

            if (body.IsBuffered && fallback.Config.Models.Count > 0)
            {
                if (ModelFieldRewriter.Rewrite(body.Bytes.Span, fallback.Config.Models[0]) is { } rewritten)
                {
                    body.Replace(rewritten);
                }

                context.Record().Model = fallback.Config.Models[0];
            }

            var reason = outcome switch
            {
                ForwardOutcome.NoInstance => "no_instance",
                ForwardOutcome.Shed => "shed",
                _ => "failed",
            };
            Log.FellBack(logger, context.TraceIdentifier, current.Name, fallback.Name, reason);
            metrics.FellBack(current.Name, fallback.Name, reason);
            context.Record().Service = fallback.Name;
            current = fallback;
        }
    }

    private static ServiceRoute? NextFallback(RouteTable routes, ServiceRoute primary, ref int next)
    {
        var names = primary.Config.Fallback;
        while (next < names.Count)
        {
            // A reload may have removed a fallback since this request started; skip it rather than fail.
            if (routes.ByName.TryGetValue(names[next++], out var fallback))
            {
                return fallback;
            }
        }

        return null;
    }

    /// <summary>Attempts on instances of one service until one serves, a failure is final, or retries are spent.</summary>
    private async Task<ForwardOutcome> TryServiceAsync(HttpContext context, ServiceRoute route, BalancingRequest request, UpstreamAttempt attempt, ForwardState state)
    {
        var options = route.Config.Retries;
        route.RetryBudget.OnRequest();
        var tried = ArrayPool<UpstreamInstance>.Shared.Rent(options.Attempts);
        var count = 0;
        try
        {
            while (true)
            {
                var instance = route.Pick(request, tried.AsSpan(0, count));
                if (instance is null)
                {
                    if (count == 0)
                    {
                        state.SetError(GatewayError.NoInstance(route.Name), PipelineStage.Balance, keepEarlier: true);
                        return ForwardOutcome.NoInstance;
                    }

                    return ForwardOutcome.RetryableFailure;
                }

                // Admission (Admission/AdmissionGate): a slot at this instance, a wait in its queue, or a refusal.
                var ticket = await admission.EnterAsync(context, route, instance);
                if (!ticket.IsAdmitted)
                {
                    return await RefusedAsync(context, route, ticket, state);
                }

                tried[count++] = instance;
                // Held back only if a retry could happen: attempts, an instance not tried yet, and budget remain.
                var retryLeft = count < options.Attempts && count < route.Instances.Length && route.RetryBudget.CanRetry();
                ForwardOutcome verdict;
                try
                {
                    verdict = await SendOnceAsync(context, route, instance, request.PromptBlocks, attempt, state, mayRetry: retryLeft || state.HasFallback);
                }
                finally
                {
                    admission.Exit(ticket, context, failed: attempt.Failure != UpstreamFailure.None || attempt.StatusCode >= 500);
                }

                if (verdict != ForwardOutcome.RetryableFailure)
                {
                    return verdict;
                }

                if (count >= options.Attempts || attempt.Until(attempt.TotalDeadline) <= TimeSpan.Zero)
                {
                    return ForwardOutcome.RetryableFailure;
                }

                if (!route.RetryBudget.TryWithdraw())
                {
                    metrics.BudgetExhausted(route.Name);
                    Log.BudgetExhausted(logger, context.TraceIdentifier, route.Name);
                    return ForwardOutcome.RetryableFailure;
                }

                metrics.Retried(route.Name);
            }
        }
        finally
        {
            ArrayPool<UpstreamInstance>.Shared.Return(tried, clearArray: true);
        }
    }

    /// <summary>
    /// Admission refused the request at this instance: the client left (nobody to answer), the service's fallbacks
    /// are tried (the refusal is answered if they fail too), or the refusal is answered now: 503 with Retry-After.
    /// </summary>
    private static async Task<ForwardOutcome> RefusedAsync(HttpContext context, ServiceRoute route, Admission.AdmissionTicket ticket, ForwardState state)
    {
        if (ticket.Reason == Core.Admission.ShedReason.Cancelled)
        {
            return ForwardOutcome.ClientGone;
        }

        if (state.HasFallback && ticket.Reason != Core.Admission.ShedReason.ShuttingDown)
        {
            state.SetError(Admission.AdmissionGate.ErrorFor(route, ticket), PipelineStage.Admission, keepEarlier: false);
            return ForwardOutcome.Shed;
        }

        await Admission.AdmissionGate.RefuseAsync(context, route, ticket);
        return ForwardOutcome.Failed;
    }

    /// <summary>One attempt. Returns <see cref="ForwardOutcome.RetryableFailure"/> when the client has seen nothing and another try is safe.</summary>
    private async Task<ForwardOutcome> SendOnceAsync(HttpContext context, ServiceRoute route, UpstreamInstance instance, int promptBlocks, UpstreamAttempt attempt, ForwardState state, bool mayRetry)
    {
        var record = context.Record();
        record.InstanceId = instance.Id;
        record.Attempts++;
        if (record.Attempts > 1)
        {
            // What a failed attempt left on the response (status, headers) goes; YARP refuses to forward over it.
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
        }

        var timeouts = route.Config.Timeouts;
        state.Body.Attach(context);
        attempt.Begin(instance, state.Body, promptBlocks, timeouts.FirstByte, timeouts.Idle, mayRetry);
        health.OnAttemptStarted(route, instance);
        ForwarderError error;
        instance.OnRequestStarted();
        using var span = Telemetry.GatewayTracing.StartUpstream(instance, record.Attempts);
        try
        {
            error = await forwarder.SendAsync(context, instance.DestinationPrefix, invokers.Get(timeouts.Connect), RequestConfig(timeouts), transformer);
        }
        finally
        {
            attempt.SettlePrefill();
            attempt.End();
            instance.OnRequestFinished();
        }

        if (error != ForwarderError.None || attempt.Failure != UpstreamFailure.None)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, attempt.Failure != UpstreamFailure.None ? attempt.Failure.ToString() : error.ToString());
        }

        return await ConcludeAsync(context, route, instance, attempt, state, error);
    }

    private async Task<ForwardOutcome> ConcludeAsync(HttpContext context, ServiceRoute route, UpstreamInstance instance, UpstreamAttempt attempt, ForwardState state, ForwarderError error)
    {
        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;

        // YARP aborts the client's connection itself when an upstream body breaks; that is not the client leaving.
        if (context.RequestAborted.IsCancellationRequested && attempt.Failure == UpstreamFailure.None && error != ForwarderError.ResponseBodyDestination)
        {
            // The client left; there is nobody to answer, and the instance is not to blame.
            InstanceHealthEvents.Release(instance);
            Log.ClientAborted(logger, context.TraceIdentifier, route.Name, instance.Id);
            return ForwardOutcome.ClientGone;
        }

        if (drain.IsCut && (error != ForwarderError.None || attempt.Failure != UpstreamFailure.None))
        {
            // Cut by the shutdown drain (Hosting/Shutdown): not the instance's fault, and never retried.
            InstanceHealthEvents.Release(instance);
            if (attempt.Delivering || context.Response.HasStarted)
            {
                // An event stream ended with the shutting_down error event; anything else was aborted by YARP.
                context.Record().ErrorCode = "shutting_down";
                return ForwardOutcome.Failed;
            }

            await GatewayErrorWriter.WriteAsync(context, GatewayError.ShuttingDown(), PipelineStage.Forward);
            return ForwardOutcome.Failed;
        }

        var (result, gatewayError) = AttemptClassifier.Classify(context, route, attempt, error, exception);
        if (result is { } outcome)
        {
            health.Record(route, instance, outcome);
            instance.Samples?.Record(
                outcome != AttemptResult.Success, attempt.ExpectDone, attempt.Delivering && outcome != AttemptResult.Success, RolloutLatency(attempt));
        }
        else
        {
            InstanceHealthEvents.Release(instance);
        }

        if (gatewayError is null)
        {
            return ForwardOutcome.Served;
        }

        Log.AttemptFailed(logger, context.TraceIdentifier, route.Name, instance.Id, attempt.Failure == UpstreamFailure.None ? error.ToString() : attempt.Failure.ToString(), exception?.Message ?? "");
        if (attempt.Failure is UpstreamFailure.FirstByteTimeout or UpstreamFailure.TotalTimeout or UpstreamFailure.IdleTimeout)
        {
            metrics.TimedOut(route.Name, AttemptClassifier.TimeoutName(attempt.Failure));
        }
        else if (gatewayError.Value.Code == "upstream_timeout")
        {
            metrics.TimedOut(route.Name, error == ForwarderError.RequestTimedOut ? "idle" : "connect");
        }

        if (attempt.Delivering || context.Response.HasStarted)
        {
            // The answer had begun: an event stream ended with an error event, anything else was aborted by YARP.
            if (attempt.Failure != UpstreamFailure.None)
            {
                metrics.StreamBroke(route.Name, StreamErrorEvents.Kind(attempt.Failure));
            }

            MarkFailed(context, gatewayError.Value);
            return ForwardOutcome.Failed;
        }

        var retryable = result is not null && result != AttemptResult.Success && state.Body.CanReplay && error is not
            (ForwarderError.RequestBodyClient or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyClient or ForwarderError.ResponseBodyCanceled);
        if (retryable && attempt.MayRetry)
        {
            state.SetError(gatewayError.Value, PipelineStage.Forward, keepEarlier: false);
            return ForwardOutcome.RetryableFailure;
        }

        await GatewayErrorWriter.WriteAsync(context, gatewayError.Value, PipelineStage.Forward);
        return ForwardOutcome.Failed;

        static void MarkFailed(HttpContext context, GatewayError error)
        {
            var record = context.Record();
            record.ErrorCode = error.Code;
            record.RefusedBy = PipelineStage.Forward;
        }
    }

    /// <summary>What a rollout compares: time to first token for a stream, the whole answer otherwise.</summary>
    private TimeSpan RolloutLatency(UpstreamAttempt attempt) =>
        attempt.ExpectDone && attempt.FirstByteAt != 0 ? time.GetElapsedTime(attempt.StartedAt, attempt.FirstByteAt) : time.GetElapsedTime(attempt.StartedAt);

    private ForwarderRequestConfig RequestConfig(Core.Configuration.TimeoutsConfig timeouts)
    {
        // YARP's activity timeout is only a backstop here: the first-byte handler and the body guard fire first,
        // and must, since YARP aborts the client's connection when its own timer cuts a body.
        var backstop = (timeouts.FirstByte > timeouts.Idle ? timeouts.FirstByte : timeouts.Idle) + TimeSpan.FromSeconds(5);
        return _requestConfigs.GetOrAdd(backstop, static timeout => new ForwarderRequestConfig { ActivityTimeout = timeout });
    }

    /// <summary>What one request carries from attempt to attempt and service to service.</summary>
    private sealed class ForwardState(ReplayableBody body, bool hasFallback)
    {
        public ReplayableBody Body { get; } = body;

        public bool HasFallback { get; set; } = hasFallback;

        public GatewayError? LastError { get; private set; }

        public string LastErrorStage { get; private set; } = PipelineStage.Forward;

        /// <summary>Remembers the error to answer with if nothing succeeds; "no instance" never hides a real failure seen earlier.</summary>
        public void SetError(GatewayError error, string stage, bool keepEarlier)
        {
            if (keepEarlier && LastError is not null)
            {
                return;
            }

            LastError = error;
            LastErrorStage = stage;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Request {RequestId} to service {Service} instance {InstanceId} failed: {Error} {Detail}")]
        public static partial void AttemptFailed(ILogger logger, string requestId, string service, string instanceId, string error, string detail);

        [LoggerMessage(2, LogLevel.Debug, "Request {RequestId} to service {Service} instance {InstanceId}: the client went away")]
        public static partial void ClientAborted(ILogger logger, string requestId, string service, string instanceId);

        [LoggerMessage(3, LogLevel.Warning, "Request {RequestId} passed from service {Service} to its fallback {Fallback}: {Reason}")]
        public static partial void FellBack(ILogger logger, string requestId, string service, string fallback, string reason);

        [LoggerMessage(4, LogLevel.Warning, "Request {RequestId} to service {Service} not retried: the service's retry budget is spent")]
        public static partial void BudgetExhausted(ILogger logger, string requestId, string service);
    }
}

using System.Globalization;
using System.Runtime.CompilerServices;
using Aigis.Core.Admission;
using Aigis.Core.Identity;
using Aigis.Core.Routing;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Pipeline;
using Aigis.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Aigis.Admission;

/// <summary>
/// The admission stage, between balance and forward: the request takes a slot at the instance the balancer chose,
/// waits in that instance's queue, or is refused with 503 <c>overloaded</c> and a <c>Retry-After</c>.
/// </summary>
/// <remarks>
/// The queue is per instance, not per service. The balancer has already chosen the instance (for prefix-cache
/// locality, session affinity or least load), and the limit being protected is that instance's; a per-service queue
/// would have to re-run balancing at dequeue time and would let one slow instance's backlog hold up requests that
/// another could serve. Balancers that count in-flight requests steer new arrivals away from an instance whose
/// slots are full, so a per-instance queue only fills when the whole service is busy.
/// A limiter lives as long as its <see cref="UpstreamInstance"/> (which survives config reloads), and is replaced
/// when the service's admission options change.
/// </remarks>
internal sealed partial class AdmissionGate
{
    private readonly ConditionalWeakTable<UpstreamInstance, LimiterSlot> _limiters = [];
    private readonly GatewayState _state;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AdmissionMetrics _metrics;

    public AdmissionGate(GatewayState state, TimeProvider time, ILogger logger, System.Diagnostics.Metrics.IMeterFactory meters)
    {
        _state = state;
        _time = time;
        _logger = logger;
        _metrics = new AdmissionMetrics(Limiters, meters);
    }

    /// <summary>The <c>Aigis.Admission</c> meter of this gateway.</summary>
    public System.Diagnostics.Metrics.Meter Meter => _metrics.Meter;

    /// <summary>Takes a slot for <paramref name="instance"/>; on refusal the response is written and the ticket is not admitted.</summary>
    public ValueTask<AdmissionTicket> EnterAsync(HttpContext context, ServiceRoute route, UpstreamInstance instance)
    {
        var options = route.Config.Admission;
        if (!options.Enabled)
        {
            return new ValueTask<AdmissionTicket>(AdmissionTicket.Unlimited);
        }

        var limiter = LimiterFor(instance, options);
        var priority = context.Caller()?.Priority ?? TenantPriority.Normal;
        var pending = limiter.AcquireAsync(priority, context.RequestAborted);
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            return result.IsAdmitted
                ? new ValueTask<AdmissionTicket>(new AdmissionTicket(limiter, _time.GetTimestamp(), true))
                : RefuseAsync(context, route, instance, limiter, priority, result);
        }

        return WaitAsync(context, route, instance, limiter, priority, pending);
    }

    /// <summary>
    /// Frees the ticket's slot and feeds the limiter the attempt's latency: the time to the first body byte (for an
    /// LLM, the first token: what queueing at the instance delays), or the whole exchange when none came.
    /// </summary>
    public void Exit(in AdmissionTicket ticket, HttpContext context, bool failed)
    {
        if (ticket.Limiter is not { } limiter)
        {
            return;
        }

        var attempt = context.Features.Get<UpstreamAttempt>();
        var rtt = attempt is { FirstByteAt: > 0 }
            ? _time.GetElapsedTime(attempt.StartedAt, attempt.FirstByteAt)
            : _time.GetElapsedTime(ticket.StartedAt);
        limiter.Release(rtt, failed || context.Response.StatusCode >= StatusCodes.Status500InternalServerError);
    }

    /// <summary>The instance's limiter, once it has been sent a request under admission; for the admin view.</summary>
    public AdmissionLimiter? LimiterOf(UpstreamInstance instance) => _limiters.TryGetValue(instance, out var slot) ? slot.Limiter : null;

    /// <summary>Every instance's limiter now, for the admin view and the metrics.</summary>
    public IEnumerable<(string Service, string Instance, AdmissionLimiter Limiter)> Limiters()
    {
        foreach (var route in _state.Routes.ByName.Values)
        {
            foreach (var instance in route.Instances)
            {
                if (_limiters.TryGetValue(instance, out var slot))
                {
                    yield return (route.Name, instance.Id, slot.Limiter);
                }
            }
        }
    }

    /// <summary>The shutdown drain was cut: every queued request is answered 503 <c>shutting_down</c> now.</summary>
    public void ShedQueued()
    {
        foreach (var (_, _, limiter) in Limiters())
        {
            limiter.ShedQueued(ShedReason.ShuttingDown);
        }
    }


    private AdmissionLimiter LimiterFor(UpstreamInstance instance, AdmissionOptions options)
    {
        if (_limiters.TryGetValue(instance, out var slot) && ReferenceEquals(slot.Options, options))
        {
            return slot.Limiter;
        }

        // First request to the instance, or a reload: the same options keep the limiter (and its learned limit),
        // changed ones start a fresh one. Requests admitted by an old limiter release to it, so no count is disturbed.
        lock (_limiters)
        {
            if (_limiters.TryGetValue(instance, out slot) && slot.Limiter.Options == options)
            {
                // Remember this reload's object, so the next request matches by reference again.
                slot.Options = options;
                return slot.Limiter;
            }

            slot = new LimiterSlot(new AdmissionLimiter(options, _time));
            _limiters.AddOrUpdate(instance, slot);
            return slot.Limiter;
        }
    }

    private async ValueTask<AdmissionTicket> WaitAsync(
        HttpContext context, ServiceRoute route, UpstreamInstance instance, AdmissionLimiter limiter, TenantPriority priority, ValueTask<AdmissionResult> pending)
    {
        var result = await pending;
        return result.IsAdmitted
            ? new AdmissionTicket(limiter, _time.GetTimestamp(), true)
            : await RefuseAsync(context, route, instance, limiter, priority, result);
    }

    /// <summary>Counts and logs a refusal; the forwarder answers it (<see cref="RefuseAsync(HttpContext, ServiceRoute, AdmissionTicket)"/>) or falls back.</summary>
    private ValueTask<AdmissionTicket> RefuseAsync(
        HttpContext context, ServiceRoute route, UpstreamInstance instance, AdmissionLimiter limiter, TenantPriority priority, AdmissionResult result)
    {
        if (result.Reason != ShedReason.Cancelled)
        {
            _metrics.Shed(route.Name, priority, result.Reason);
            Log.Shed(_logger, context.TraceIdentifier, route.Name, instance.Id, AdmissionMetrics.PriorityName(priority), AdmissionMetrics.ReasonName(result.Reason), limiter.Limit, limiter.Queued);
        }

        return new ValueTask<AdmissionTicket>(AdmissionTicket.Refused(result.Reason, result.RetryAfter));
    }

    /// <summary>The error a refusal is answered with: 503 <c>overloaded</c>, or <c>shutting_down</c> at the drain's cut.</summary>
    public static GatewayError ErrorFor(ServiceRoute route, in AdmissionTicket ticket) => ticket.Reason == ShedReason.ShuttingDown
        ? GatewayError.ShuttingDown()
        : GatewayError.Overloaded(route.Name, RetryAfterSeconds(ticket));

    /// <summary>Answers a refusal: 503 with <c>Retry-After</c>, recorded as refused by admission.</summary>
    public static Task RefuseAsync(HttpContext context, ServiceRoute route, AdmissionTicket ticket)
    {
        // The error writer clears headers before it writes; Retry-After goes on just before the status line.
        context.Response.OnStarting(static value =>
        {
            var (response, retryAfter) = ((HttpResponse, int))value;
            response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }, (context.Response, RetryAfterSeconds(ticket)));
        return GatewayErrorWriter.WriteAsync(context, ErrorFor(route, ticket), PipelineStage.Admission);
    }

    private static int RetryAfterSeconds(in AdmissionTicket ticket) => Math.Max(1, (int)Math.Ceiling(ticket.RetryAfter.TotalSeconds));

    /// <summary>An instance's limiter and the options object it was last matched against (compared by reference per request).</summary>
    private sealed class LimiterSlot(AdmissionLimiter limiter)
    {
        public AdmissionLimiter Limiter { get; } = limiter;

        public AdmissionOptions Options { get; set; } = limiter.Options;
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Debug, "Request {RequestId} to service {Service} instance {InstanceId} shed ({Priority}, {Reason}); limit {Limit}, queued {Queued}")]
        public static partial void Shed(ILogger logger, string requestId, string service, string instanceId, string priority, string reason, int limit, int queued);
    }
}

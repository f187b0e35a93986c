using System.Collections.Frozen;
using Aigis.Sim.Http;

namespace Aigis.Sim.Faults;

/// <summary>Applies the faults in force to model requests: crash, hang, latency, error, stream faults, in that order.</summary>
/// <remarks>
/// Runs after routing, and only for the model endpoints; /health, /metrics, /v1/models and
/// /admin are never touched. With no faults set it passes requests on without awaiting.
/// </remarks>
internal sealed class FaultMiddleware
{
    private static readonly FrozenSet<string> _modelRoutes =
        FrozenSet.Create(StringComparer.Ordinal, "/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/classify");

    private readonly RequestDelegate _next;
    private readonly FaultState _state;
    private readonly FaultMetrics _metrics;
    private readonly OpenConnections _connections;
    private readonly SimulatedCrash _crash;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationToken _serverStopping;

    public FaultMiddleware(RequestDelegate next, FaultState state, FaultMetrics metrics, OpenConnections connections, SimulatedCrash crash, TimeProvider timeProvider, CancellationToken serverStopping)
    {
        _next = next;
        _state = state;
        _metrics = metrics;
        _connections = connections;
        _crash = crash;
        _timeProvider = timeProvider;
        _serverStopping = serverStopping;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var active = _state.Current;
        if (active.IsNone || !IsModelRequest(context))
        {
            return _next(context);
        }

        return InjectAsync(context, active.Decide());
    }

    /// <summary>Routed to a model endpoint: a fallback 404 or a 405 for a served path is not a model request.</summary>
    private static bool IsModelRequest(HttpContext context) =>
        context.GetEndpoint() is RouteEndpoint { RoutePattern.RawText: { } pattern } && _modelRoutes.Contains(pattern);

    private async Task InjectAsync(HttpContext context, FaultDecision decision)
    {
        if (decision.Crash)
        {
            _metrics.Injected(FaultKind.Crash);
            _crash.Crash($"crash_after reached at model request {decision.RequestNumber}");
            context.Abort();
            return;
        }

        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _serverStopping);
        try
        {
            if (decision.Hang)
            {
                _metrics.Injected(FaultKind.Hang);
                await Task.Delay(Timeout.InfiniteTimeSpan, _timeProvider, cancellation.Token);
            }

            if (decision.Latency > TimeSpan.Zero)
            {
                _metrics.Injected(FaultKind.Latency);
                await Task.Delay(decision.Latency, _timeProvider, cancellation.Token);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client left or the server stops: a hung request is dropped unanswered; a delayed one may hear why.
            if (decision.Hang)
            {
                context.Abort();
                return;
            }

            await GenerationCancellation.AnswerIfPossibleAsync(context);
            return;
        }

        if (decision.ErrorStatus != 0)
        {
            _metrics.Injected(FaultKind.Error);
            await InjectedError.WriteAsync(context, decision.ErrorStatus);
            return;
        }

        if (decision.AltersStream)
        {
            context.Features.Set<IStreamFaultFeature>(new StreamFaultPlan(context, decision, _metrics, _connections, _timeProvider));
        }

        await _next(context);
    }
}

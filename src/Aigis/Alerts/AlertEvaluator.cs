using System.Diagnostics.Metrics;
using Aigis.Core.Alerts;
using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Alerts;

/// <summary>
/// Evaluates every rule on its interval (through the injected <see cref="TimeProvider"/>), per group, moves each
/// alert through pending → firing → resolved, and hands firing and resolved events to the <see cref="AlertNotifier"/>.
/// Exposes the alerts now pending or firing, and <c>aigis.alerts.firing</c> on meter <see cref="MeterName"/>.
/// </summary>
internal sealed partial class AlertEvaluator : Hosting.ControlLoop
{
    public const string MeterName = "Aigis.Alerts";

    private readonly AlertsConfig _config;
    private readonly AlertMeasurements _measurements;
    private readonly AlertNotifier _notifier;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(string Rule, string Group), AlertState> _states = [];
    private volatile ActiveAlert[] _active = [];

    /// <param name="meter">The host's <see cref="MeterName"/> meter (the host owns and disposes it).</param>
    public AlertEvaluator(AlertsConfig config, AlertMeasurements measurements, AlertNotifier notifier, Meter meter, TimeProvider time, ILogger logger)
    {
        _meter = meter;
        _config = config;
        _measurements = measurements;
        _notifier = notifier;
        _time = time;
        _logger = logger;
        _meter.CreateObservableGauge("aigis.alerts.firing", FiringGauge, "{alert}", "Alerts firing now, by rule and severity (0 for rules that are not).");
    }

    /// <summary>Alerts pending or firing after the last evaluation.</summary>
    public IReadOnlyList<ActiveAlert> Active => _active;

    public AlertNotifier Notifier => _notifier;

    /// <summary>One evaluation of every rule (the loop's tick; tests call it after moving their clock).</summary>
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _measurements.Collect();
            var now = _time.GetUtcNow();
            var windowNow = _measurements.Now;
            var active = new List<ActiveAlert>();
            foreach (var aggregate in _measurements.Aggregates)
            {
                var rule = aggregate.Rule;
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (group, value) in aggregate.Evaluate(windowNow))
                {
                    seen.Add(group);
                    Step(rule, group, value is { } v && rule.Expression.Holds(v), value, now, active);
                }

                // A group that has no value any more (its traffic stopped, its gauge went away) no longer holds.
                foreach (var ((ruleName, group), state) in _states)
                {
                    if (ruleName == rule.Name && !seen.Contains(group) && state.Phase != AlertPhase.Inactive)
                    {
                        Step(rule, group, false, null, now, active);
                    }
                }
            }

            _active = [.. active];
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _gate.Dispose();
    }

    private void Step(AlertRule rule, string group, bool holds, double? value, DateTimeOffset now, List<ActiveAlert> active)
    {
        if (!_states.TryGetValue((rule.Name, group), out var state))
        {
            if (!holds)
            {
                return;
            }

            state = new AlertState(rule.For);
            _states[(rule.Name, group)] = state;
        }

        var transition = state.Evaluate(holds, value, now);
        if (transition != AlertTransition.None)
        {
            var status = transition == AlertTransition.Fired ? AlertEvent.Firing : AlertEvent.Resolved;
            _notifier.Publish(new AlertEvent(status, rule.Name, rule.By, group, rule.Severity, value, rule.Expression.ToString(), rule.Summary, state.ActiveSince, now), rule);
        }

        if (state.Phase != AlertPhase.Inactive)
        {
            active.Add(new ActiveAlert(rule.Name, rule.By, group, state.Phase == AlertPhase.Firing ? AlertEvent.Firing : "pending", rule.Severity, value,
                rule.Expression.ToString(), rule.Summary, state.Phase == AlertPhase.Firing ? state.FiredAt : state.ActiveSince));
        }
    }

    /// <summary>Evaluates every <see cref="AlertsConfig.Interval"/> until stopped.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_config.Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await EvaluateAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private List<Measurement<int>> FiringGauge()
    {
        var counts = new Dictionary<string, (AlertSeverity Severity, int Firing)>(StringComparer.Ordinal);
        foreach (var aggregate in _measurements.Aggregates)
        {
            counts[aggregate.Rule.Name] = (aggregate.Rule.Severity, 0);
        }

        foreach (var alert in _active)
        {
            if (alert.State == AlertEvent.Firing && counts.TryGetValue(alert.Alert, out var entry))
            {
                counts[alert.Alert] = (entry.Severity, entry.Firing + 1);
            }
        }

        var measurements = new List<Measurement<int>>(counts.Count);
        foreach (var (alert, (severity, firing)) in counts)
        {
            measurements.Add(new Measurement<int>(firing, new KeyValuePair<string, object?>("alert", alert), new KeyValuePair<string, object?>("severity", AlertNotification.SeverityName(severity))));
        }

        return measurements;
    }
}

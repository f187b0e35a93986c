using System.Diagnostics.Metrics;
using Aigis.Core.Configuration;

namespace Aigis.Alerts;

/// <summary>
/// Feeds the alert rules from the instruments themselves, through a <see cref="MeterListener"/> on every meter named
/// <c>Aigis.*</c>: the evaluator keeps its own windows and needs no Prometheus. Instruments are matched by name, so a
/// rule over an instrument another stage has not created yet (e.g. <c>aigis.ids.blocks</c>) starts working once it is.
/// </summary>
internal sealed class AlertMeasurements : IDisposable
{
    private const string AigisMeterPrefix = "Aigis.";

    private readonly MeterListener _listener = new();
    private readonly RuleAggregate[] _aggregates;
    private readonly TimeProvider _time;
    private readonly long _startedAt;

    /// <param name="rules">The rules to feed.</param>
    /// <param name="time">The clock the windows run on.</param>
    /// <param name="accept">False for instruments this host must not read (another host's per-host meter in the same process).</param>
    public AlertMeasurements(IReadOnlyList<AlertRule> rules, TimeProvider time, Func<Instrument, bool> accept)
    {
        _time = time;
        _startedAt = time.GetTimestamp();
        _aggregates = rules.Select(r => new RuleAggregate(r)).ToArray();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!instrument.Meter.Name.StartsWith(AigisMeterPrefix, StringComparison.Ordinal) || !accept(instrument))
            {
                return;
            }

            var subscriptions = new List<Subscription>();
            foreach (var aggregate in _aggregates)
            {
                foreach (var role in aggregate.RolesOf(instrument.Name))
                {
                    subscriptions.Add(new Subscription(aggregate, role));
                }
            }

            if (subscriptions.Count > 0)
            {
                listener.EnableMeasurementEvents(instrument, subscriptions.ToArray());
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<int>((i, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<double>((i, value, tags, state) => Record(value, tags, state));
        _listener.SetMeasurementEventCallback<float>((i, value, tags, state) => Record(value, tags, state));
        _listener.Start();
    }

    public IReadOnlyList<RuleAggregate> Aggregates => _aggregates;

    /// <summary>Time since start, the windows' clock.</summary>
    public TimeSpan Now => _time.GetElapsedTime(_startedAt);

    /// <summary>Reads the observable gauges now, so <c>value</c> rules see the current state.</summary>
    public void Collect()
    {
        foreach (var aggregate in _aggregates)
        {
            aggregate.BeginCycle();
        }

        _listener.RecordObservableInstruments();
    }

    public void Dispose() => _listener.Dispose();

    private void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (state is not Subscription[] subscriptions)
        {
            return;
        }

        var at = Now;
        foreach (var subscription in subscriptions)
        {
            subscription.Aggregate.Record(subscription.Role, value, tags, at);
        }
    }

    private sealed record Subscription(RuleAggregate Aggregate, SeriesRole Role);
}

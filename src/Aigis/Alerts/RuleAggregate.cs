using Aigis.Core.Alerts;
using Aigis.Core.Configuration;

namespace Aigis.Alerts;

/// <summary>Which part of a rule's expression a measurement feeds.</summary>
internal enum SeriesRole
{
    Main,
    Denominator,
}

/// <summary>
/// The windowed aggregates of one rule, per group (the value of the rule's <c>by</c> label, or one overall group):
/// counter sums for <c>rate</c> and <c>ratio</c>, bucket counts for <c>quantile</c>, the last collection's sum for
/// <c>value</c>. Fed by <see cref="AlertMeasurements"/> as instruments record; read by the evaluator.
/// </summary>
internal sealed class RuleAggregate(AlertRule rule)
{
    /// <summary>Groups kept per rule; values of the label past this many share one group, "other".</summary>
    public const int MaxGroups = 500;

    private const string Overall = "";
    private const string OtherGroup = "other";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private long _cycle;

    public AlertRule Rule { get; } = rule;

    /// <summary>The roles in which an instrument named <paramref name="instrument"/> feeds this rule.</summary>
    public IEnumerable<SeriesRole> RolesOf(string instrument)
    {
        var expression = Rule.Expression;
        if (expression.Selector.Instrument == instrument)
        {
            yield return SeriesRole.Main;
        }

        if (expression.Denominator?.Instrument == instrument)
        {
            yield return SeriesRole.Denominator;
        }
    }

    /// <summary>A new collection of observable gauges begins: <c>value</c> rules forget the last one.</summary>
    public void BeginCycle()
    {
        lock (_lock)
        {
            _cycle++;
        }
    }

    public void Record(SeriesRole role, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, TimeSpan at)
    {
        var expression = Rule.Expression;
        var selector = role == SeriesRole.Main ? expression.Selector : expression.Denominator!;
        if (!Matches(selector, tags))
        {
            return;
        }

        var key = Rule.By is { } by ? TagValue(tags, by) ?? "unknown" : Overall;
        lock (_lock)
        {
            if (!_groups.TryGetValue(key, out var group))
            {
                if (_groups.Count >= MaxGroups)
                {
                    key = OtherGroup;
                    _groups.TryGetValue(key, out group);
                }

                if (group is null)
                {
                    group = new Group(expression);
                    _groups[key] = group;
                }
            }

            switch (expression.Function)
            {
                case AlertFunction.Rate:
                    group.Window!.Add(at, value);
                    break;
                case AlertFunction.Ratio:
                    group.Window!.Add(at, value, role == SeriesRole.Main ? 0 : 1);
                    break;
                case AlertFunction.Quantile:
                    group.Window!.Add(at, 1, QuantileBuckets.IndexOf(value));
                    break;
                default:
                    if (group.Cycle != _cycle)
                    {
                        group.Cycle = _cycle;
                        group.GaugeSum = 0;
                    }

                    group.GaugeSum += value;
                    break;
            }
        }
    }

    /// <summary>The expression's value per group now; a group without a value (no traffic in the window, a gauge not reported) has null.</summary>
    public List<(string Group, double? Value)> Evaluate(TimeSpan now)
    {
        var expression = Rule.Expression;
        var results = new List<(string, double?)>();
        Span<double> sums = stackalloc double[QuantileBuckets.Count];
        lock (_lock)
        {
            foreach (var (key, group) in _groups)
            {
                double? value;
                switch (expression.Function)
                {
                    case AlertFunction.Rate:
                        value = group.Window!.Sum(now) / expression.Window.TotalSeconds;
                        break;
                    case AlertFunction.Ratio:
                        group.Window!.Sum(now, sums[..2]);
                        value = sums[1] > 0 ? sums[0] / sums[1] : null;
                        break;
                    case AlertFunction.Quantile:
                        group.Window!.Sum(now, sums);
                        value = QuantileBuckets.Estimate(sums, expression.Quantile);
                        break;
                    default:
                        value = group.Cycle == _cycle ? group.GaugeSum : null;
                        break;
                }

                results.Add((key, value));
            }
        }

        return results;
    }

    private static bool Matches(MetricSelector selector, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var matcher in selector.Matchers)
        {
            var equal = string.Equals(TagValue(tags, matcher.Label), matcher.Value, StringComparison.Ordinal);
            if (equal == matcher.Negate)
            {
                return false;
            }
        }

        return true;
    }

    private static string? TagValue(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string ?? Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private sealed class Group(AlertExpression expression)
    {
        public SlidingWindow? Window { get; } = expression.Function switch
        {
            AlertFunction.Rate => new SlidingWindow(expression.Window),
            AlertFunction.Ratio => new SlidingWindow(expression.Window, 2),
            AlertFunction.Quantile => new SlidingWindow(expression.Window, QuantileBuckets.Count),
            _ => null,
        };

        public long Cycle { get; set; } = -1;

        public double GaugeSum { get; set; }
    }
}

using System.Globalization;

namespace Aigis.Core.Alerts;

/// <summary>What an alert expression computes over its window.</summary>
public enum AlertFunction
{
    /// <summary><c>rate(M[w])</c>: per-second increase of a counter over the window.</summary>
    Rate,

    /// <summary><c>ratio(A, B[w])</c>: increase of A divided by increase of B over the window (no value while B did not move).</summary>
    Ratio,

    /// <summary><c>quantile(q, H[w])</c>: the q-quantile of a histogram's measurements within the window.</summary>
    Quantile,

    /// <summary><c>value(G)</c>: the current value of a gauge (summed over the series of a group).</summary>
    Value,
}

public enum AlertComparison
{
    Greater,
    GreaterOrEqual,
    Less,
    LessOrEqual,
}

/// <summary>A label condition in a selector: <c>label="value"</c> or <c>label!="value"</c>.</summary>
public sealed record LabelMatcher(string Label, string Value, bool Negate);

/// <summary>An instrument by its name (e.g. <c>aigis.requests</c>, any meter whose name starts with <c>Aigis.</c>) and label conditions.</summary>
public sealed record MetricSelector(string Instrument, IReadOnlyList<LabelMatcher> Matchers)
{
    public override string ToString() => Matchers.Count == 0
        ? Instrument
        : $"{Instrument}{{{string.Join(", ", Matchers.Select(m => $"{m.Label}{(m.Negate ? "!=" : "=")}\"{m.Value}\""))}}}";
}

/// <summary>
/// A parsed alert expression: a function of the gateway's own instruments over a window, compared with a threshold,
/// e.g. <c>ratio(aigis.requests{status="5xx"}, aigis.requests[5m]) &gt; 0.05</c>. See <see cref="AlertExpressionParser"/>.
/// </summary>
public sealed record AlertExpression(
    AlertFunction Function,
    MetricSelector Selector,
    MetricSelector? Denominator,
    double Quantile,
    TimeSpan Window,
    AlertComparison Comparison,
    double Threshold)
{
    public bool Holds(double value) => Comparison switch
    {
        AlertComparison.Greater => value > Threshold,
        AlertComparison.GreaterOrEqual => value >= Threshold,
        AlertComparison.Less => value < Threshold,
        _ => value <= Threshold,
    };

    /// <summary>The expression in the syntax the parser reads (what the config writer writes back).</summary>
    public override string ToString()
    {
        var window = Configuration.DurationParser.Format(Window);
        var call = Function switch
        {
            AlertFunction.Rate => $"rate({Selector}[{window}])",
            AlertFunction.Ratio => $"ratio({Selector}, {Denominator}[{window}])",
            AlertFunction.Quantile => $"quantile({Quantile.ToString("R", CultureInfo.InvariantCulture)}, {Selector}[{window}])",
            _ => $"value({Selector})",
        };
        var op = Comparison switch
        {
            AlertComparison.Greater => ">",
            AlertComparison.GreaterOrEqual => ">=",
            AlertComparison.Less => "<",
            _ => "<=",
        };
        return $"{call} {op} {Threshold.ToString("R", CultureInfo.InvariantCulture)}";
    }
}

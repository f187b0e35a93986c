using Aigis.Core.Alerts;

namespace Aigis.Core.Tests.Alerts;

public sealed class AlertExpressionParserTests
{
    [Theory]
    [InlineData("rate(aigis.requests[5m]) > 10", AlertFunction.Rate)]
    [InlineData("""ratio(aigis.requests{status="5xx"}, aigis.requests[5m]) >= 0.05""", AlertFunction.Ratio)]
    [InlineData("quantile(0.99, aigis.request.duration{outcome!=\"served\"}[1m]) > 2.5", AlertFunction.Quantile)]
    [InlineData("value(aigis.service.healthy_instances) < 1", AlertFunction.Value)]
    public void Reads_each_function_and_writes_it_back_the_same(string text, AlertFunction function)
    {
        Assert.True(AlertExpressionParser.TryParse(text, out var expression, out var error), error);
        Assert.Equal(function, expression!.Function);
        Assert.True(AlertExpressionParser.TryParse(expression.ToString(), out var again, out _));
        Assert.Equal(expression.ToString(), again!.ToString());
    }

    [Fact]
    public void Reads_selectors_windows_comparisons_and_thresholds()
    {
        Assert.True(AlertExpressionParser.TryParse("""ratio(aigis.requests{status="5xx", service!="batch"}, aigis.requests[2m]) > 0.1""", out var e, out _));

        Assert.Equal("aigis.requests", e!.Selector.Instrument);
        Assert.Equal([new LabelMatcher("status", "5xx", false), new LabelMatcher("service", "batch", true)], e.Selector.Matchers);
        Assert.Empty(e.Denominator!.Matchers);
        Assert.Equal(TimeSpan.FromMinutes(2), e.Window);
        Assert.True(e.Holds(0.2));
        Assert.False(e.Holds(0.1));
    }

    [Theory]
    [InlineData("avg(aigis.requests[5m]) > 1", "unknown function 'avg'")]
    [InlineData("rate(aigis.requests) > 1", "expected '['")]
    [InlineData("rate(aigis.requests[5q]) > 1", "window:")]
    [InlineData("rate(aigis.requests[2s]) > 1", "the window must be between 10s and 1h")]
    [InlineData("quantile(1.5, aigis.request.duration[5m]) > 1", "the quantile must be between 0 and 1")]
    [InlineData("rate(aigis.requests[5m])", "expected a comparison")]
    [InlineData("rate(aigis.requests[5m]) > x", "expected a number")]
    [InlineData("rate(aigis.requests[5m]) > 1 and more", "unexpected 'and more'")]
    [InlineData("rate(aigis.requests{status=5xx}[5m]) > 1", "expected '\"'")]
    public void Rejects_bad_expressions_with_a_reason(string text, string reason)
    {
        Assert.False(AlertExpressionParser.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_rules_parse()
    {
        Assert.Equal(["error-ratio", "upstream-latency", "no-healthy-instance", "replica-crash-loop", "ids-block-burst"], DefaultAlertRules.All.Select(r => r.Name));
    }
}

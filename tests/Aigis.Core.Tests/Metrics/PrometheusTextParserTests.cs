using Aigis.Core.Metrics;

namespace Aigis.Core.Tests.Metrics;

public sealed class PrometheusTextParserTests
{
    private static readonly string[] s_wanted = ["vllm:num_requests_waiting", "vllm:kv_cache_usage_perc", "vllm:num_requests_running"];

    [Fact]
    public void Sums_every_series_of_a_metric_and_skips_comments_and_other_metrics()
    {
        const string Text = """
            # HELP vllm:num_requests_waiting Number of requests waiting.
            # TYPE vllm:num_requests_waiting gauge
            vllm:num_requests_waiting{model_name="a"} 3
            vllm:num_requests_waiting{model_name="b"} 4.5
            vllm:num_requests_waiting_other 100
            vllm:kv_cache_usage_perc{model_name="a",engine="0"} 0.25 1712345678000

            vllm:time_to_first_token_seconds_bucket{le="+Inf",model_name="a"} 9
            """;

        var sums = PrometheusTextParser.SumByName(Text, s_wanted);

        Assert.Equal(7.5, sums["vllm:num_requests_waiting"]);
        Assert.Equal(0.25, sums["vllm:kv_cache_usage_perc"]);
        Assert.False(sums.ContainsKey("vllm:num_requests_running"));
    }

    [Fact]
    public void Label_values_may_hold_braces_quotes_and_spaces()
    {
        const string Text = "vllm:num_requests_running{model_name=\"we}ird \\\"name\\\" {x}\"} 12\n";

        var sums = PrometheusTextParser.SumByName(Text, s_wanted);

        Assert.Equal(12, sums["vllm:num_requests_running"]);
    }

    [Theory]
    [InlineData("m NaN", double.NaN)]
    [InlineData("m +Inf", double.PositiveInfinity)]
    [InlineData("m -Inf", double.NegativeInfinity)]
    [InlineData("m 1e3", 1000)]
    [InlineData("m{a=\"1\"} -2.5 123", -2.5)]
    public void Parses_special_and_scientific_values(string line, double expected)
    {
        Assert.True(PrometheusTextParser.TryParseSample(line, out var name, out var value));
        Assert.Equal("m", name.ToString());
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{a=\"b\"} 1")]
    [InlineData("m{a=\"unclosed} 1")]
    [InlineData("m twelve")]
    [InlineData("9metric 1")]
    public void Rejects_malformed_lines(string line) => Assert.False(PrometheusTextParser.TryParseSample(line, out _, out _));

    [Fact]
    public void A_malformed_line_does_not_hide_the_rest()
    {
        const string Text = "vllm:num_requests_waiting{broken 7\nvllm:num_requests_waiting 2\n";

        Assert.Equal(2, PrometheusTextParser.SumByName(Text, s_wanted)["vllm:num_requests_waiting"]);
    }
}

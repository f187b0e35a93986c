using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

public sealed class ValueParserTests
{
    [Theory]
    [InlineData("250ms", 250)]
    [InlineData("5s", 5000)]
    [InlineData("1.5s", 1500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("1d", 86_400_000)]
    [InlineData("500us", 0.5)]
    [InlineData(" 3 s ", 3000)]
    public void Parses_durations(string text, double milliseconds)
    {
        Assert.True(DurationParser.TryParse(text, out var value, out var error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("5", "has no unit")]
    [InlineData("5 sec", "unknown unit 'sec'")]
    [InlineData("s", "is not a duration")]
    [InlineData("-5s", "is not a duration")]
    [InlineData("1..5s", "is not a duration")]
    public void Refuses_bad_durations(string text, string expected)
    {
        Assert.False(DurationParser.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("250ms")]
    [InlineData("5s")]
    [InlineData("2m")]
    [InlineData("36h")]
    [InlineData("1500us")]
    public void Formats_durations_so_they_parse_back(string text)
    {
        Assert.True(DurationParser.TryParse(text, out var value, out _));
        Assert.True(DurationParser.TryParse(DurationParser.Format(value), out var again, out _));
        Assert.Equal(value, again);
    }

    [Theory]
    [InlineData("512", 512)]
    [InlineData("64KiB", 65_536)]
    [InlineData("1MiB", 1_048_576)]
    [InlineData("1.5GiB", 1_610_612_736)]
    [InlineData("10MB", 10_000_000)]
    [InlineData("1 mib", 1_048_576)]
    public void Parses_sizes(string text, long bytes)
    {
        Assert.True(SizeParser.TryParse(text, out var value, out var error), error);
        Assert.Equal(bytes, value);
    }

    [Theory]
    [InlineData("lots", "is not a size")]
    [InlineData("1 ZiB", "unknown unit 'ZiB'")]
    [InlineData("1.3B", "not a whole number of bytes")]
    [InlineData("-1MiB", "is not a size")]
    public void Refuses_bad_sizes(string text, string expected)
    {
        Assert.False(SizeParser.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("servces", "services")]
    [InlineData("maxbodysize", "maxBodySize")]
    [InlineData("ballancer", "balancer")]
    public void Suggests_the_closest_name(string typo, string expected) =>
        Assert.Equal(expected, DidYouMean.Suggest(typo, ["services", "gateway", "maxBodySize", "balancer"]));

    [Fact]
    public void Does_not_suggest_an_unrelated_name() =>
        Assert.Null(DidYouMean.Suggest("colour", ["name", "kind", "models"]));
}

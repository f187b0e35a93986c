using Aigis.Sim.Classify;
using Aigis.Sim.Cli;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Sim.Tests;

public sealed class ClassifierModelTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public void Every_input_gets_distinct_labels_best_first_summing_to_at_most_one()
    {
        var classifier = new ImageClassifier(seed: 42);
        var topScores = new List<double>();

        for (ulong digest = 0; digest < 500; digest++)
        {
            var labels = classifier.Classify(digest * 0x9E3779B97F4A7C15, topK: 100);

            Assert.Equal(ImageLabels.All.Count, labels.Count);
            Assert.Equal(labels.Count, labels.Select(label => label.Label).Distinct().Count());
            Assert.True(labels.Sum(label => label.Score) <= 1.0);
            Assert.Equal(labels.Select(label => label.Score).OrderDescending(), labels.Select(label => label.Score));
            topScores.Add(labels[0].Score);
        }

        // Some inputs are confident and some are not, as photos are.
        Assert.Contains(topScores, score => score > 0.6);
        Assert.Contains(topScores, score => score < 0.2);
    }

    [Fact]
    public void Image_and_url_digests_are_stable_and_distinct()
    {
        Assert.Equal(ImageClassifier.DigestImage("abc"u8), ImageClassifier.DigestImage("abc"u8));
        Assert.NotEqual(ImageClassifier.DigestImage("abc"u8), ImageClassifier.DigestImage("abd"u8));
        Assert.NotEqual(ImageClassifier.DigestImage("https://a.invalid/x"u8), ImageClassifier.DigestUrl("https://a.invalid/x"));
        // SHA-256 of "abc" starts ba 78 16 bf 8f 01 cf ea: the digest is its first 8 bytes, little-endian.
        Assert.Equal(0xEACF018FBF1678BAUL, ImageClassifier.DigestImage("abc"u8));
    }

    [Theory]
    [InlineData(0, 12)]
    [InlineData(1024 * 1024, 16)]
    [InlineData(5 * 1024 * 1024, 32)]
    [InlineData(512 * 1024, 14)]
    public void Latency_is_12_ms_plus_4_ms_per_mib_by_default(long imageBytes, double expectedMs)
    {
        var timing = new ClassifyTiming(new ClassifierOptions(), new FakeTimeProvider(), timeScale: 1);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), timing.Latency(imageBytes));
    }

    [Fact]
    public async Task Wait_goes_through_the_time_provider_divided_by_the_time_scale()
    {
        var time = new FakeTimeProvider();
        var timing = new ClassifyTiming(new ClassifierOptions(), time, timeScale: 4);

        // 12 + 4 × 4 = 28 ms of simulated time: 7 ms at four times real speed.
        var wait = timing.WaitAsync(time.GetTimestamp(), 4 * ClassifierOptions.MiB, CancellationToken.None);
        time.Advance(TimeSpan.FromMilliseconds(6));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await wait.WaitAsync(_timeout);
    }

    [Theory]
    [InlineData("1048576", 1048576)]
    [InlineData("512KiB", 512 * 1024)]
    [InlineData("20MiB", 20 * 1024 * 1024)]
    [InlineData("20m", 20 * 1024 * 1024)]
    [InlineData("1GiB", 1024L * 1024 * 1024)]
    public void Sizes_parse_in_bytes_or_binary_units(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("-5")]
    [InlineData("1.5MiB")]
    [InlineData("20 potatoes")]
    public void Bad_sizes_do_not_parse(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Fact]
    public void Sizes_format_in_the_largest_whole_unit() =>
        Assert.Equal(["20MiB", "1536KiB", "1000"], [ByteSize.Format(20L << 20), ByteSize.Format(1536L << 10), ByteSize.Format(1000)]);
}

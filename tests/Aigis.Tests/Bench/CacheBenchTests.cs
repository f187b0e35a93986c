using System.Text.Json;
using Aigis.Bench.Cache;
using Aigis.Core.Caching;

namespace Aigis.Tests.Bench;

public sealed class CacheBenchTests
{
    [Fact]
    public void Zipf_draws_follow_their_probabilities()
    {
        var zipf = new ZipfDistribution(1000, 1.0, new Random(3));
        var counts = new int[1000];
        const int draws = 200_000;
        for (var i = 0; i < draws; i++)
        {
            counts[zipf.Next()]++;
        }

        // Rank 1 of Zipf(1.0) over 1000 keys: 1/H(1000) = 13.4%; rank 10 ten times rarer.
        Assert.Equal(0.1336, zipf.Probability(0), 3);
        Assert.InRange(counts[0] / (double)draws, 0.128, 0.139);
        Assert.InRange(counts[9] / (double)draws, 0.0118, 0.0150);
    }

    [Fact]
    public void The_same_seed_gives_the_same_hit_rates_and_lfu_beats_lru_on_a_zipf_stream()
    {
        var arguments = new CacheBenchArguments { Keys = 2000, Requests = 100_000, Capacities = [0.05], Json = true };
        var first = Run(arguments);
        var again = Run(arguments);

        Assert.Equal(first.Select(r => r.GetRawText()), again.Select(r => r.GetRawText()));
        var lfu = first.Single(r => r.GetProperty("policy").GetString() == "lfu");
        var lru = first.Single(r => r.GetProperty("policy").GetString() == "lru");
        Assert.True(lfu.GetProperty("hit_rate").GetDouble() > lru.GetProperty("hit_rate").GetDouble(), $"lfu {lfu} lru {lru}");
        Assert.Equal(100, lfu.GetProperty("entries").GetInt32());
    }

    [Fact]
    public void Bad_arguments_are_one_line_and_exit_2()
    {
        var error = new StringWriter();
        Assert.Equal(2, CacheBench.Run(new CacheBenchArguments { Policies = ["arc"] }, TextWriter.Null, error));
        Assert.Equal("aigis bench cache: unknown policy 'arc'; the policies are lfu and lru", error.ToString().Trim());
    }

    private static List<JsonElement> Run(CacheBenchArguments arguments)
    {
        var output = new StringWriter();
        Assert.Equal(0, CacheBench.Run(arguments, output, TextWriter.Null));
        return [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}

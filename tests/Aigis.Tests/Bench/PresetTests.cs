using System.Text;
using Aigis.Bench.Routing.Presets;
using Aigis.Bench.Routing.Workloads;

namespace Aigis.Tests.Bench;

public sealed class PresetTests
{
    [Theory]
    [InlineData(ChatSharedPrefixPreset.Name)]
    [InlineData(UniformPreset.Name)]
    [InlineData(BurstyPreset.Name)]
    public void A_preset_is_the_same_for_the_same_seed_and_differs_for_another(string preset)
    {
        var first = Jsonl(WorkloadPresets.Generate(preset, 2_000, seed: 3));
        var again = Jsonl(WorkloadPresets.Generate(preset, 2_000, seed: 3));
        var other = Jsonl(WorkloadPresets.Generate(preset, 2_000, seed: 4));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Theory]
    [InlineData(ChatSharedPrefixPreset.Name)]
    [InlineData(UniformPreset.Name)]
    [InlineData(BurstyPreset.Name)]
    public void A_preset_has_the_requested_count_in_arrival_order_at_about_its_default_rate(string preset)
    {
        var workload = WorkloadPresets.Generate(preset, 5_000, seed: 1);

        Assert.Equal(5_000, workload.Count);
        Assert.Equal(0, workload.Requests[0].AtMs);
        for (var i = 1; i < workload.Count; i++)
        {
            Assert.True(workload.Requests[i].AtMs >= workload.Requests[i - 1].AtMs);
        }

        Assert.InRange(workload.MeanRatePerSecond, 0.75 * WorkloadPresets.DefaultRatePerSecond, 1.25 * WorkloadPresets.DefaultRatePerSecond);
    }

    [Fact]
    public void Chat_sessions_share_a_few_long_system_prompts_and_resend_their_history()
    {
        var workload = WorkloadPresets.Generate(ChatSharedPrefixPreset.Name, 5_000, seed: 1);

        var systems = workload.Requests.Select(r => r.Prompt[0]).Distinct().ToArray();
        Assert.InRange(systems.Length, 2, 8);
        Assert.All(systems, s => Assert.InRange(s.Tokens, 1_000, 3_000));
        Assert.All(systems, s => Assert.StartsWith("sys-", s.Id, StringComparison.Ordinal));

        var sessions = workload.Requests.GroupBy(r => r.Session).ToArray();
        Assert.True(sessions.Length > 500, $"{sessions.Length} sessions");
        var multiTurn = sessions.Where(s => s.Count() > 1).ToArray();
        Assert.True(multiTurn.Length > sessions.Length / 3, $"{multiTurn.Length} of {sessions.Length} sessions have several turns");
        foreach (var session in multiTurn)
        {
            var turns = session.ToArray();
            for (var t = 1; t < turns.Length; t++)
            {
                // Turn t resends turn t-1's prompt, then that turn's answer, then a new question.
                var previous = turns[t - 1].Prompt;
                var current = turns[t].Prompt;
                Assert.Equal(previous, current[..previous.Length]);
                Assert.Equal(previous.Length + 2, current.Length);
                Assert.Equal(turns[t - 1].MaxTokens, current[previous.Length].Tokens);
                Assert.True(turns[t].AtMs > turns[t - 1].AtMs);
            }
        }
    }

    [Theory]
    [InlineData(UniformPreset.Name)]
    [InlineData(BurstyPreset.Name)]
    public void Independent_presets_share_no_prompt_segment(string preset)
    {
        var workload = WorkloadPresets.Generate(preset, 5_000, seed: 1);

        var segments = workload.Requests.SelectMany(r => r.Prompt).Select(s => s.Id).ToArray();
        Assert.Equal(workload.Count, segments.Length);
        Assert.Equal(segments.Length, segments.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(workload.Count, workload.Requests.Select(r => r.Session).Distinct().Count());
    }

    [Fact]
    public void Bursty_arrivals_vary_far_more_from_second_to_second_than_uniform_ones()
    {
        var bursty = PerSecondDispersion(WorkloadPresets.Generate(BurstyPreset.Name, 10_000, seed: 1));
        var uniform = PerSecondDispersion(WorkloadPresets.Generate(UniformPreset.Name, 10_000, seed: 1));

        // Poisson counts have a variance-to-mean ratio of 1; on/off bursts far more.
        Assert.InRange(uniform, 0.7, 1.4);
        Assert.True(bursty > 5 * uniform, $"bursty {bursty:F2}, uniform {uniform:F2}");
    }

    private static double PerSecondDispersion(Workload workload)
    {
        var seconds = (int)(workload.SpanMs / 1000) + 1;
        var counts = new double[seconds];
        foreach (var request in workload.Requests)
        {
            counts[(int)(request.AtMs / 1000)]++;
        }

        var mean = counts.Average();
        return counts.Sum(c => (c - mean) * (c - mean)) / seconds / mean;
    }

    private static string Jsonl(Workload workload)
    {
        using var stream = new MemoryStream();
        WorkloadJsonl.Write(stream, workload);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

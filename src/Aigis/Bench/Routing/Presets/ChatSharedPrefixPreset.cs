using Aigis.Bench.Routing.Workloads;

namespace Aigis.Bench.Routing.Presets;

/// <summary>
/// <c>chat-shared-prefix</c>: multi-turn chat sessions behind a few long system prompts. Eight system prompts of
/// 1,000 to 3,000 tokens, picked with a mild Zipf skew (weight 1/sqrt(rank)); each session's turn k sends the system
/// prompt, its k-1 earlier questions and answers, and the new question. Sessions start as a Poisson process; they
/// have 4 turns on average (geometric, at most 16); questions have a median of 60 tokens, answers of 180; the next
/// question comes after the answer has streamed (25 ms a token) plus a think time (log-normal, median 15 s).
/// </summary>
/// <remarks>
/// A policy that keeps a system prompt and a session on the replicas that already hold them skips most of the
/// prefill; a policy that scatters them recomputes thousands of tokens per turn.
/// </remarks>
internal static class ChatSharedPrefixPreset
{
    public const string Name = "chat-shared-prefix";
    private const int SystemPrompts = 8;
    private const double ContinueProbability = 0.75;
    private const double MeanTurns = 1 / (1 - ContinueProbability);
    private const int MaxTurns = 16;
    private const double StreamMsPerToken = 25;

    public static Workload Generate(int count, int seed, double ratePerSecond)
    {
        var random = new PresetRandom(seed);
        var systems = new PromptSegment[SystemPrompts];
        Span<double> popularity = stackalloc double[SystemPrompts];
        for (var i = 0; i < systems.Length; i++)
        {
            systems[i] = new PromptSegment($"sys-{i}", random.Between(1_000, 3_000));
            popularity[i] = 1 / Math.Sqrt(i + 1);
        }

        var meanSessionGapMs = 1000 * MeanTurns / ratePerSecond;
        var generated = new List<WorkloadRequest>(count + 64);
        var start = 0.0;
        var cutoff = double.PositiveInfinity;
        for (var session = 0; ; session++)
        {
            if (generated.Count >= count)
            {
                // Keep a stationary window: every session that starts before the count-th arrival can still add
                // turns before it, so generate those too, then keep the first count by time.
                if (double.IsPositiveInfinity(cutoff))
                {
                    cutoff = NthArrival(generated, count);
                }

                if (start > cutoff)
                {
                    break;
                }
            }

            AddSession(generated, random, systems[random.Pick(popularity)], $"c{session}", start);
            start += random.Exponential(meanSessionGapMs);
        }

        // A stable sort keeps equal times in generation order, so the result depends on the seed alone.
        var ordered = generated.OrderBy(static r => r.AtMs).Take(count).ToArray();
        return new Workload(ordered);
    }

    private static void AddSession(List<WorkloadRequest> requests, PresetRandom random, PromptSegment system, string session, double startMs)
    {
        var history = new List<PromptSegment> { system };
        var at = startMs;
        for (var turn = 1; turn <= MaxTurns; turn++)
        {
            var question = new PromptSegment($"{session}-q{turn}", random.LogNormal(median: 60, sigma: 1.0, min: 4, max: 2_000));
            history.Add(question);
            var answerTokens = RequestShapes.AnswerTokens(random);
            requests.Add(new WorkloadRequest(RequestShapes.Ms(at), session, [.. history], answerTokens));
            if (random.Uniform() >= ContinueProbability)
            {
                return;
            }

            history.Add(new PromptSegment($"{session}-a{turn}", answerTokens));
            at += (answerTokens * StreamMsPerToken) + random.LogNormal(median: 15_000, sigma: 0.8, min: 2_000, max: 180_000);
        }
    }

    private static double NthArrival(List<WorkloadRequest> requests, int n)
    {
        var times = new double[requests.Count];
        for (var i = 0; i < times.Length; i++)
        {
            times[i] = requests[i].AtMs;
        }

        Array.Sort(times);
        return times[n - 1];
    }
}

using Aigis.Bench.Routing.Workloads;

namespace Aigis.Bench.Routing.Presets;

/// <summary>
/// <c>uniform</c>: independent requests, no prompt shares a single token with another, Poisson arrivals. Prefix
/// affinity has nothing to win here; a prefix-aware policy must place as well as a load-only one.
/// </summary>
internal static class UniformPreset
{
    public const string Name = "uniform";

    public static Workload Generate(int count, int seed, double ratePerSecond)
    {
        var random = new PresetRandom(seed);
        var requests = new WorkloadRequest[count];
        var at = 0.0;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                at += random.Exponential(1000 / ratePerSecond);
            }

            var id = $"u{i}";
            requests[i] = new WorkloadRequest(RequestShapes.Ms(at), id, [new PromptSegment(id, RequestShapes.PromptTokens(random))], RequestShapes.AnswerTokens(random));
        }

        return new Workload(requests);
    }
}

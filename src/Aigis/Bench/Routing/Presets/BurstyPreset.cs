using Aigis.Bench.Routing.Workloads;

namespace Aigis.Bench.Routing.Presets;

/// <summary>
/// <c>bursty</c>: independent requests (as <c>uniform</c>) arriving on and off: bursts at 4x the mean rate lasting
/// 3 s on average, separated by quiet periods of 12 s on average at a quarter of it (both durations exponential),
/// which averages out to the mean rate. Queues build in every burst; what matters is how fast they drain.
/// </summary>
internal static class BurstyPreset
{
    public const string Name = "bursty";
    private const double BurstFactor = 4;
    private const double QuietFactor = 0.25;
    private const double MeanBurstMs = 3_000;
    private const double MeanQuietMs = 12_000;

    public static Workload Generate(int count, int seed, double ratePerSecond)
    {
        var random = new PresetRandom(seed);
        var requests = new WorkloadRequest[count];
        var at = 0.0;
        var burst = true;
        var phaseEnd = random.Exponential(MeanBurstMs);
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                // Arrivals are Poisson within a phase; memorylessness lets a gap that crosses a phase end restart there.
                while (true)
                {
                    var rate = ratePerSecond * (burst ? BurstFactor : QuietFactor);
                    var gap = random.Exponential(1000 / rate);
                    if (at + gap <= phaseEnd)
                    {
                        at += gap;
                        break;
                    }

                    at = phaseEnd;
                    burst = !burst;
                    phaseEnd = at + random.Exponential(burst ? MeanBurstMs : MeanQuietMs);
                }
            }

            var id = $"b{i}";
            requests[i] = new WorkloadRequest(RequestShapes.Ms(at), id, [new PromptSegment(id, RequestShapes.PromptTokens(random))], RequestShapes.AnswerTokens(random));
        }

        return new Workload(requests);
    }
}

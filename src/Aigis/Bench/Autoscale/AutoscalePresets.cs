using Aigis.Bench.Routing.Presets;
using Aigis.Bench.Routing.Workloads;

namespace Aigis.Bench.Autoscale;

/// <summary>
/// Load that changes over time, in the routing workload format: Poisson arrivals whose rate follows a curve
/// (drawn by thinning, seeded). Requests are longer than the routing presets' (prompts with a median of 2000
/// tokens, answers 400), so one simulated H100 replica holds a few requests per second and the fleet is several
/// replicas, where scaling decisions show.
/// </summary>
internal static class AutoscalePresets
{
    public const string Sinusoid = "sinusoid";
    public const string Step = "step";
    public const string Diurnal = "diurnal";

    public static IReadOnlyList<string> Names { get; } = [Sinusoid, Step, Diurnal];

    public static bool IsPreset(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>The preset's arrival rate (requests per second) at <paramref name="seconds"/> from the start, and its length.</summary>
    public static (Func<double, double> Rate, double Seconds, double PeakRate) Curve(string name) => name switch
    {
        // 5 to 20 req/s with a 150 s period, as Dynamo's planner benchmark; 20 minutes.
        Sinusoid => (t => 12.5 - (7.5 * Math.Cos(2 * Math.PI * t / 150)), 1200, 20),

        // 5 req/s with bursts of 4x for 60 s, every 5 minutes from minute 2; 30 minutes.
        Step => (t => t >= 120 && (t - 120) % 300 < 60 ? 20 : 5, 1800, 20),

        // A day compressed to 2 hours: a night low of 2 req/s, a morning rise, an afternoon peak of 16.
        Diurnal => (t => 9 - (7 * Math.Cos(2 * Math.PI * (t / 7200))) + (1.5 * Math.Sin(6 * Math.PI * t / 7200)), 7200, 17.5),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not an autoscale preset"),
    };

    public static Workload Generate(string name, int seed)
    {
        var (rate, seconds, peak) = Curve(name);
        var random = new PresetRandom(seed);
        var requests = new List<WorkloadRequest>();
        var at = 0.0;
        while (true)
        {
            // Thinning (Lewis and Shedler): candidates at the peak rate, each kept with probability rate(t) / peak.
            at += random.Exponential(1.0 / peak);
            if (at >= seconds)
            {
                break;
            }

            if (random.Uniform() * peak > rate(at))
            {
                continue;
            }

            var id = $"a{requests.Count}";
            var prompt = random.LogNormal(median: 2000, sigma: 0.6, min: 64, max: 8000);
            var answer = random.LogNormal(median: 400, sigma: 0.6, min: 16, max: 1500);
            requests.Add(new WorkloadRequest(RequestShapes.Ms(at * 1000), id, [new PromptSegment(id, prompt)], answer));
        }

        return new Workload(requests);
    }
}

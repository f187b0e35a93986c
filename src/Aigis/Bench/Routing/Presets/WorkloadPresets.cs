using Aigis.Bench.Routing.Workloads;

namespace Aigis.Bench.Routing.Presets;

/// <summary>The built-in workloads, generated deterministically from a seed in the same form a workload file has.</summary>
internal static class WorkloadPresets
{
    /// <summary>Requests a preset generates unless told otherwise.</summary>
    public const int DefaultRequests = 10_000;

    /// <summary>Mean arrival rate of every preset without <c>--load</c>, in requests per second.</summary>
    public const double DefaultRatePerSecond = 20;

    public static IReadOnlyList<string> Names { get; } = [ChatSharedPrefixPreset.Name, UniformPreset.Name, BurstyPreset.Name];

    public static bool IsPreset(string name) => Names.Contains(name, StringComparer.Ordinal);

    public static Workload Generate(string name, int count, int seed, double ratePerSecond = DefaultRatePerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        return name switch
        {
            ChatSharedPrefixPreset.Name => ChatSharedPrefixPreset.Generate(count, seed, ratePerSecond),
            UniformPreset.Name => UniformPreset.Generate(count, seed, ratePerSecond),
            BurstyPreset.Name => BurstyPreset.Generate(count, seed, ratePerSecond),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not a workload preset"),
        };
    }
}

using System.ComponentModel.DataAnnotations;

namespace Aigis.Core.Admission;

/// <summary>How a concurrency limit is found.</summary>
public enum AdmissionAlgorithm
{
    /// <summary>Netflix's Gradient2: the limit follows the ratio of long-term to recent latency (see <see cref="Gradient2Limit"/>).</summary>
    Gradient2,

    /// <summary>A constant limit, <see cref="AdmissionOptions.InitialLimit"/>: for services whose capacity is known.</summary>
    Fixed,
}

/// <summary>
/// How much Gradient2 lets the limit grow per window while latency stays at its baseline, as a function of the
/// current limit (Netflix's <c>queueSize</c>): the headroom it probes for.
/// </summary>
public enum LimitGrowth
{
    /// <summary>sqrt(limit), at least 1: fast from small limits, cautious at large ones (the default).</summary>
    SquareRoot,

    /// <summary>log10(limit), at least 1: slower still at large limits.</summary>
    Log10,

    /// <summary><see cref="AdmissionOptions.GrowthConstant"/> whatever the limit (Netflix's original default, 4).</summary>
    Constant,
}

/// <summary>
/// A service's <c>admission</c> section: an adaptive concurrency limit per instance, with a bounded priority queue in
/// front of it. Off unless <see cref="Enabled"/>. Validated at config load; defaults are Netflix's where they fit an
/// LLM server (minimum 1 rather than 20: one replica may serve only a few long requests at once).
/// </summary>
public sealed record AdmissionOptions
{
    public bool Enabled { get; init; }

    public AdmissionAlgorithm Algorithm { get; init; } = AdmissionAlgorithm.Gradient2;

    /// <summary>The limit before any latency was measured; the whole limit for <see cref="AdmissionAlgorithm.Fixed"/>. Default 20.</summary>
    [Range(1, 100_000)]
    public int InitialLimit { get; init; } = 20;

    /// <summary>The limit never falls below this. Default 1.</summary>
    [Range(1, 100_000)]
    public int MinLimit { get; init; } = 1;

    /// <summary>The limit never rises above this. Default 200.</summary>
    [Range(1, 100_000)]
    public int MaxLimit { get; init; } = 200;

    /// <summary>Share of each new estimate taken into the limit (0..1]; lower moves the limit more slowly. Default 0.2.</summary>
    [Range(0.01, 1.0)]
    public double Smoothing { get; init; } = 0.2;

    /// <summary>How much the recent latency may exceed the long-term one before the limit shrinks. Default 1.5 (50% slower).</summary>
    [Range(1.0, 10.0)]
    public double RttTolerance { get; init; } = 1.5;

    /// <summary>Windows averaged into the long-term (baseline) latency, as an exponential moving average. Default 600.</summary>
    [Range(2, 100_000)]
    public int LongWindow { get; init; } = 600;

    public LimitGrowth Growth { get; init; } = LimitGrowth.SquareRoot;

    /// <summary>The growth per window for <see cref="LimitGrowth.Constant"/>. Default 4.</summary>
    [Range(1, 1000)]
    public int GrowthConstant { get; init; } = 4;

    /// <summary>Shortest time between two limit updates; a window also needs <see cref="WindowSamples"/> answers. Default 1s.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Answers a window needs before it moves the limit (fewer say little about latency). Default 10.</summary>
    [Range(1, 100_000)]
    public int WindowSamples { get; init; } = 10;

    public AdmissionQueueOptions Queue { get; init; } = new();
}

/// <summary>The bounded queue in front of an instance's limit.</summary>
public sealed record AdmissionQueueOptions
{
    /// <summary>Most requests waiting per instance; 0 sheds at once when the instance is at its limit. Default 64.</summary>
    [Range(0, 100_000)]
    public int MaxSize { get; init; } = 64;

    /// <summary>Longest a request waits; one whose expected wait is longer is shed on arrival. Default 2s.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(2);
}

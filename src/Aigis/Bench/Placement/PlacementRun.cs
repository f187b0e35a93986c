using Aigis.Core.Placement;

namespace Aigis.Bench.Placement;

/// <summary>One policy's run of the placement simulation.</summary>
internal sealed record PlacementRun(
    string Policy,
    int Requested,
    int Placed,
    int Failed,
    double GpuAllocRatio,
    double FragGpus,
    int Moved,
    double DecideUsP99)
{
    /// <summary>Replicas running on the removed nodes that found no other node.</summary>
    public int Lost { get; init; }

    /// <summary>The moves a perfectly even placement would need: replicas running at removal x removed nodes / nodes.</summary>
    public double IdealMoved { get; init; }

    /// <summary>The median decision time, beside the p99 (which a busy machine inflates).</summary>
    public double DecideUsP50 { get; init; }

    /// <summary>Failed arrivals by the constraint that failed on the most nodes.</summary>
    public IReadOnlyDictionary<FitStatus, int> FailuresByReason { get; init; } = new Dictionary<FitStatus, int>();

    public PlacementResultLine ToLine() =>
        new(Policy, Requested, Placed, Failed, Math.Round(GpuAllocRatio, 4), Math.Round(FragGpus, 1), Moved, Math.Round(DecideUsP99, 1));
}

namespace Aigis.Bench.Placement;

/// <summary>What <c>aigis bench placement</c> was asked to do.</summary>
internal sealed record PlacementBenchArguments
{
    /// <summary>A nodes file, or the preset <see cref="ClusterPresets.GpuCluster"/>.</summary>
    public required string Nodes { get; init; }

    /// <summary>A workload file, or the preset <see cref="ClusterPresets.GpuMix"/>.</summary>
    public required string Workload { get; init; }

    public IReadOnlyList<string> Policies { get; init; } = [];

    public int RemoveNodes { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Nodes in the preset cluster.</summary>
    public int PresetNodes { get; init; } = ClusterPresets.DefaultNodes;

    public bool Json { get; init; }

    public string? WriteWorkload { get; init; }

    public string? WriteNodes { get; init; }
}

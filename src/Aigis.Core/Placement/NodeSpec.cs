namespace Aigis.Core.Placement;

/// <summary>One node of the inventory: what it has to give replicas.</summary>
/// <param name="Name">Unique within an inventory; consistent hashing keys on it.</param>
/// <param name="CpuMilli">Allocatable CPU in millicores.</param>
/// <param name="MemoryMib">Allocatable memory in MiB.</param>
/// <param name="Gpus">GPUs on the node, all of <paramref name="GpuModel"/> (at most <see cref="MaxGpus"/>).</param>
/// <param name="GpuModel">The GPUs' model, e.g. <c>H100</c>; null when the node has none.</param>
internal sealed record NodeSpec(string Name, int CpuMilli, long MemoryMib, int Gpus = 0, string? GpuModel = null)
{
    /// <summary>GPUs are tracked in a bit mask per allocation, so a node has at most 32.</summary>
    public const int MaxGpus = 32;

    /// <summary>Free-form labels (zone, rack, pool); not used by the built-in policies yet.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Why this node cannot be in an inventory, or null.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(Name) ? "a node needs a name"
        : CpuMilli < 0 ? $"node {Name}: cpu_milli must not be negative"
        : MemoryMib < 0 ? $"node {Name}: memory_mib must not be negative"
        : Gpus is < 0 or > MaxGpus ? $"node {Name}: gpus must be between 0 and {MaxGpus}"
        : null;
}

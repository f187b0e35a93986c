namespace Aigis.Core.Placement;

/// <summary>What one replica of a service needs from a node.</summary>
/// <param name="Name">The replica's own name (unique); consistent hashing keys on it.</param>
/// <param name="Service">Spread rules count replicas per service.</param>
/// <param name="CpuMilli">CPU in millicores.</param>
/// <param name="MemoryMib">Memory in MiB.</param>
/// <param name="Gpus">Whole GPUs; or 1 with <paramref name="GpuMilli"/> below 1000 for a share of one GPU.</param>
/// <param name="GpuMilli">A share of one GPU in thousandths (1..999) when <paramref name="Gpus"/> is 1; 0 or 1000 mean whole GPUs.</param>
internal sealed record ReplicaRequest(string Name, string Service, int CpuMilli, long MemoryMib, int Gpus = 0, int GpuMilli = 0)
{
    public const int WholeGpuMilli = 1000;

    /// <summary>GPU models the replica may run on; empty means any.</summary>
    public IReadOnlyList<string> GpuModels { get; init; } = [];

    /// <summary>At most this many replicas of <see cref="Service"/> on one node; 0 means no limit.</summary>
    public int MaxPerNode { get; init; }

    /// <summary>True when the replica takes a share of one GPU rather than whole GPUs.</summary>
    public bool IsGpuShare => Gpus == 1 && GpuMilli is > 0 and < WholeGpuMilli;

    /// <summary>What it takes from each GPU it is given: a share, or 1000 for whole GPUs.</summary>
    public int MilliPerGpu => IsGpuShare ? GpuMilli : WholeGpuMilli;

    /// <summary>GPU demand in thousandths of a GPU, the unit allocation ratios are counted in.</summary>
    public long TotalGpuMilli => (long)Gpus * MilliPerGpu;

    /// <summary>Why this request is malformed, or null.</summary>
    public string? Problem() =>
        string.IsNullOrWhiteSpace(Name) ? "a replica needs a name"
        : CpuMilli < 0 ? "cpu_milli must not be negative"
        : MemoryMib < 0 ? "memory_mib must not be negative"
        : Gpus is < 0 or > NodeSpec.MaxGpus ? $"gpus must be between 0 and {NodeSpec.MaxGpus}"
        : GpuMilli is < 0 or > WholeGpuMilli ? "gpu_milli must be between 0 and 1000"
        : GpuMilli is > 0 and < WholeGpuMilli && Gpus != 1 ? "a GPU share (gpu_milli below 1000) needs gpus: 1"
        : MaxPerNode < 0 ? "max_per_node must not be negative"
        : null;

    /// <summary>True when a node's GPU model is one this replica accepts (or it needs no GPU at all).</summary>
    public bool AcceptsModel(string? model)
    {
        if (Gpus == 0 || GpuModels.Count == 0)
        {
            return true;
        }

        foreach (var allowed in GpuModels)
        {
            if (string.Equals(allowed, model, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

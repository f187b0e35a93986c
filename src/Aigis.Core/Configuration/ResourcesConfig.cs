using System.Globalization;

namespace Aigis.Core.Configuration;

/// <summary>
/// The <c>resources</c> section of a service: what one replica needs. The scheduler places replicas by it, the
/// Docker deployer turns it into container limits, and the Kubernetes deployer into requests and limits.
/// </summary>
/// <remarks>Equality is by value (models included): a deployer compares the running section with a reloaded one.</remarks>
public sealed record ResourcesConfig
{
    public const int MaxCpuMilli = 1024 * 1000;
    public const long MaxMemoryBytes = 64L << 40;
    public const int MaxGpus = 32;
    public const int WholeGpuMilli = 1000;

    /// <summary>CPU in millicores (<c>cpu: 500m</c> or <c>cpu: 0.5</c>); 0 when not declared.</summary>
    public int CpuMilli { get; init; }

    /// <summary>Memory in bytes (<c>memory: 512Mi</c>); 0 when not declared.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>Whole GPUs, or 1 with <see cref="GpuMilli"/> below 1000 for a share of one.</summary>
    public int Gpus { get; init; }

    /// <summary>A share of one GPU in thousandths (<c>gpuShare: 0.25</c> is 250); 0 means whole GPUs.</summary>
    public int GpuMilli { get; init; }

    /// <summary>GPU models a replica may run on (e.g. H100, A100-80GB); empty means any.</summary>
    public IReadOnlyList<string> GpuModels { get; init; } = [];

    /// <summary>At most this many replicas of the service on one node; 0 means no limit.</summary>
    public int MaxPerNode { get; init; }

    /// <summary>True when nothing was declared: runtimes then set no limits at all.</summary>
    public bool IsEmpty => Equals(new ResourcesConfig());

    /// <summary>Kubernetes' quantity for <see cref="CpuMilli"/>: <c>500m</c>, <c>2</c>.</summary>
    public string CpuQuantity =>
        CpuMilli % 1000 == 0 ? (CpuMilli / 1000).ToString(CultureInfo.InvariantCulture) : CpuMilli.ToString(CultureInfo.InvariantCulture) + "m";

    /// <summary>Kubernetes' quantity for <see cref="MemoryBytes"/>: <c>512Mi</c>, <c>2Gi</c>, or plain bytes.</summary>
    public string MemoryQuantity
    {
        get
        {
            (long Bytes, string Unit)[] units = [(1L << 40, "Ti"), (1L << 30, "Gi"), (1L << 20, "Mi"), (1L << 10, "Ki")];
            foreach (var (bytes, unit) in units)
            {
                if (MemoryBytes >= bytes && MemoryBytes % bytes == 0)
                {
                    return (MemoryBytes / bytes).ToString(CultureInfo.InvariantCulture) + unit;
                }
            }

            return MemoryBytes.ToString(CultureInfo.InvariantCulture);
        }
    }

    public bool Equals(ResourcesConfig? other) =>
        other is not null &&
        CpuMilli == other.CpuMilli &&
        MemoryBytes == other.MemoryBytes &&
        Gpus == other.Gpus &&
        GpuMilli == other.GpuMilli &&
        MaxPerNode == other.MaxPerNode &&
        GpuModels.SequenceEqual(other.GpuModels, StringComparer.OrdinalIgnoreCase);

    public override int GetHashCode() => HashCode.Combine(CpuMilli, MemoryBytes, Gpus, GpuMilli, MaxPerNode, GpuModels.Count);
}

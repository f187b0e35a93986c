using Aigis.Bench.Routing.Presets;

namespace Aigis.Bench.Placement;

/// <summary>
/// Synthetic GPU clusters and replica streams, seeded. The shape follows the Alibaba GPU-sharing trace that FGD
/// (ATC '23) studies: mostly 8-GPU nodes plus smaller ones and CPU-only nodes; a third of the replicas take a share
/// of one GPU, most of the rest one whole GPU, a few 2, 4 or 8, and some need no GPU at all.
/// </summary>
internal static class ClusterPresets
{
    public const string GpuCluster = "gpu-cluster";
    public const string GpuMix = "gpu-mix";
    public const int DefaultNodes = 600;

    /// <summary>How much GPU the arrivals ask for, against the cluster's GPUs: more than fits, so policies are told apart by what they manage to place.</summary>
    public const double DefaultGpuDemand = 1.25;

    private static readonly (string? Model, int Gpus, int CpuMilli, long MemoryMib, double Share)[] s_nodeKinds =
    [
        ("V100", 8, 96_000, 393_216, 0.30),
        ("A100", 8, 128_000, 1_048_576, 0.15),
        ("T4", 4, 64_000, 262_144, 0.20),
        ("A10", 2, 32_000, 131_072, 0.15),
        (null, 0, 64_000, 262_144, 0.20),
    ];

    private static readonly int[] s_shareMilli = [100, 200, 250, 300, 500, 700];
    private static readonly double[] s_shareWeights = [3, 3, 2, 2, 3, 1];

    public static List<NodeLine> Nodes(int count, int seed)
    {
        var random = new PresetRandom(seed);
        var weights = s_nodeKinds.Select(k => k.Share).ToArray();
        var nodes = new List<NodeLine>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = s_nodeKinds[random.Pick(weights)];
            nodes.Add(new NodeLine($"node-{i:D4}", kind.CpuMilli, kind.MemoryMib, kind.Gpus, kind.Model));
        }

        return nodes;
    }

    /// <summary>Replicas arriving at about one a second until they have asked for <paramref name="gpuDemand"/> x the cluster's GPUs.</summary>
    public static List<ReplicaLine> Workload(IReadOnlyList<NodeLine> nodes, int seed, double gpuDemand = DefaultGpuDemand)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var random = new PresetRandom(seed ^ 0x5EED);
        var clusterGpuMilli = nodes.Sum(n => (long)n.Gpus * 1000);
        var target = (long)(clusterGpuMilli * gpuDemand);
        var replicas = new List<ReplicaLine>();
        var at = 0.0;
        long asked = 0;
        while (asked < target && replicas.Count < 1_000_000)
        {
            at += random.Exponential(1.0);
            var replica = Draw(random, replicas.Count, Math.Round(at, 3));
            asked += replica.Gpus * (replica.GpuMilli is > 0 and < 1000 ? replica.GpuMilli : 1000);
            replicas.Add(replica);
        }

        return replicas;
    }

    private static ReplicaLine Draw(PresetRandom random, int index, double at)
    {
        // Kinds: no GPU, a share, 1, 2, 4 or 8 whole GPUs.
        var kind = random.Pick([15, 35, 38, 6, 4, 2]);
        var service = $"svc-{random.Between(0, 199):D3}";
        int gpus, milli, cpu;
        string[] models = [];
        switch (kind)
        {
            case 0:
                (gpus, milli, cpu) = (0, 0, 4000 * (1 << random.Between(0, 3)));
                break;
            case 1:
                (gpus, milli, cpu) = (1, s_shareMilli[random.Pick(s_shareWeights)], 2000 * random.Between(1, 4));
                models = random.Uniform() < 0.2 ? ["T4", "A10"] : [];
                break;
            default:
                gpus = 1 << (kind - 2);
                (milli, cpu) = (0, gpus * 4000 * random.Between(1, 4));
                models = gpus == 8 ? ["V100", "A100"] : random.Uniform() < 0.2 ? ["A100"] : [];
                break;
        }

        // A fifth of the replicas leave after a while (mean 10 minutes); the rest stay.
        double? until = random.Uniform() < 0.2 ? Math.Round(at + random.Exponential(600), 3) : null;
        return new ReplicaLine(at, $"r-{index:D6}", service, cpu, cpu / 1000 * 4096L, gpus, milli, models, until);
    }
}

namespace Aigis.Core.Placement;

/// <summary>How much of a node's resources is allocated, and how much would be left after a placement.</summary>
internal static class NodeUsage
{
    /// <summary>The node's dominant allocated share: the largest of its CPU, memory and GPU fractions in use (0 to 1).</summary>
    public static double DominantShare(ClusterState cluster, int node)
    {
        var spec = cluster.Node(node);
        var share = Fraction(spec.CpuMilli - cluster.FreeCpu(node), spec.CpuMilli);
        share = Math.Max(share, Fraction(spec.MemoryMib - cluster.FreeMemory(node), spec.MemoryMib));
        if (spec.Gpus > 0)
        {
            long free = 0;
            foreach (var milli in cluster.GpuFree(node))
            {
                free += milli;
            }

            share = Math.Max(share, Fraction(((long)spec.Gpus * ReplicaRequest.WholeGpuMilli) - free, (long)spec.Gpus * ReplicaRequest.WholeGpuMilli));
        }

        return share;
    }

    /// <summary>
    /// The node's free CPU, memory and GPU, each as a fraction of its capacity, summed after the request would be
    /// placed: small means a tight fit. GPUs count only on nodes that have them.
    /// </summary>
    public static double LeftoverAfter(ClusterState cluster, int node, ReplicaRequest request)
    {
        var spec = cluster.Node(node);
        var left = Fraction(cluster.FreeCpu(node) - request.CpuMilli, spec.CpuMilli)
            + Fraction(cluster.FreeMemory(node) - request.MemoryMib, spec.MemoryMib);
        if (spec.Gpus > 0)
        {
            long free = 0;
            foreach (var milli in cluster.GpuFree(node))
            {
                free += milli;
            }

            left += Fraction(free - request.TotalGpuMilli, (long)spec.Gpus * ReplicaRequest.WholeGpuMilli);
        }

        return left;
    }

    private static double Fraction(long part, long whole) => whole <= 0 ? 0 : (double)part / whole;
}

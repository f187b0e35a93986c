using System.Numerics;

namespace Aigis.Core.Placement;

/// <summary>
/// <c>frag-aware</c>: FGD's fragmentation-gradient descent with a learned mix. Each replica goes to the node where
/// placing it increases fragmentation (<see cref="NodeFragmentation"/>) the least; ties go to the tightest fit.
/// </summary>
/// <remarks>
/// Where this differs from the paper: the expected mix is learned from the arrivals so far (<see cref="WorkloadMix"/>)
/// instead of being supplied; nodes without GPUs score zero, so replicas that need no GPU go there first (the
/// best-fit tie-break then packs them) rather than eating the CPU that GPU nodes need to use their GPUs; and a node's
/// fragmentation before the placement is cached until the node or the mix changes, so a decision computes one
/// hypothetical per feasible node, not two. The GPUs within the node are chosen as the allocator always chooses
/// (a share on the fullest GPU that holds it, whole GPUs from the free ones), which is the choice that adds the
/// least fragmentation for a single GPU.
/// </remarks>
internal sealed class FragmentationAwarePlacement : IPlacementPolicy
{
    private const double Tie = 1e-9;
    private readonly WorkloadMix _mix = new();
    private ClusterState? _cachedCluster;
    private double[] _before = [];
    private long[] _beforeKey = [];
    private PlacementQuery[] _shapes = [];
    private int _shapesVersion = -1;

    public string Name => PlacementPolicyNames.FragmentationAware;

    public WorkloadMix Mix => _mix;

    public int Choose(ClusterState cluster, in PlacementQuery query)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var request = query.Request;
        _mix.Observe(request);
        if (!ReferenceEquals(cluster, _cachedCluster))
        {
            _before = new double[cluster.NodeCount];
            _beforeKey = new long[cluster.NodeCount];
            Array.Fill(_beforeKey, -1);
            _cachedCluster = cluster;
            _shapesVersion = -1;
        }

        if (_shapesVersion != _mix.Version)
        {
            _shapes = [.. _mix.Shapes.Select(cluster.Prepare)];
            _shapesVersion = _mix.Version;
        }

        Span<int> after = stackalloc int[NodeSpec.MaxGpus];
        var best = -1;
        var bestDelta = double.MaxValue;
        var bestLeft = double.MaxValue;
        for (var node = 0; node < cluster.NodeCount; node++)
        {
            if (cluster.Fits(node, query) != FitStatus.Fits)
            {
                continue;
            }

            var spec = cluster.Node(node);
            var gpus = cluster.GpuFree(node);
            var delta = 0.0;
            if (spec.Gpus > 0)
            {
                var before = Before(cluster, node);
                var mine = after[..gpus.Length];
                gpus.CopyTo(mine);
                var mask = ClusterState.ChooseGpus(gpus, request);
                while (mask != 0)
                {
                    mine[BitOperations.TrailingZeroCount(mask)] -= request.MilliPerGpu;
                    mask &= mask - 1;
                }

                delta = NodeFragmentation.Of(mine, cluster.FreeCpu(node) - request.CpuMilli, cluster.FreeMemory(node) - request.MemoryMib, cluster.ModelId(node), _shapes, _mix.Weights) - before;
            }

            if (delta > bestDelta + Tie)
            {
                continue;
            }

            var left = NodeUsage.LeftoverAfter(cluster, node, request);
            if (delta < bestDelta - Tie || left < bestLeft)
            {
                best = node;
                bestDelta = delta;
                bestLeft = left;
            }
        }

        return best;
    }

    private double Before(ClusterState cluster, int node)
    {
        var key = ((long)_mix.Version << 32) | (uint)cluster.Version(node);
        if (_beforeKey[node] != key)
        {
            _before[node] = NodeFragmentation.Of(cluster.GpuFree(node), cluster.FreeCpu(node), cluster.FreeMemory(node), cluster.ModelId(node), _shapes, _mix.Weights);
            _beforeKey[node] = key;
        }

        return _before[node];
    }
}

namespace Aigis.Core.Placement;

/// <summary>
/// <c>bin-pack</c>: best fit. The node that fits with the least left over after the placement (free CPU, memory and
/// GPU fractions summed), so replicas fill nodes one by one and whole nodes stay free for large requests.
/// </summary>
internal sealed class BinPackPlacement : IPlacementPolicy
{
    public string Name => PlacementPolicyNames.BinPack;

    public int Choose(ClusterState cluster, in PlacementQuery query)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var best = -1;
        var bestLeft = double.MaxValue;
        for (var node = 0; node < cluster.NodeCount; node++)
        {
            if (cluster.Fits(node, query) != FitStatus.Fits)
            {
                continue;
            }

            var left = NodeUsage.LeftoverAfter(cluster, node, query.Request);
            if (left < bestLeft)
            {
                best = node;
                bestLeft = left;
            }
        }

        return best;
    }
}

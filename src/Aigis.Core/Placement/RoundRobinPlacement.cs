namespace Aigis.Core.Placement;

/// <summary><c>round-robin</c>: the next node after the last one chosen that fits, wrapping around.</summary>
internal sealed class RoundRobinPlacement : IPlacementPolicy
{
    private int _next;

    public string Name => PlacementPolicyNames.RoundRobin;

    public int Choose(ClusterState cluster, in PlacementQuery query)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var count = cluster.NodeCount;
        for (var i = 0; i < count; i++)
        {
            var node = (_next + i) % count;
            if (cluster.Fits(node, query) == FitStatus.Fits)
            {
                _next = (node + 1) % count;
                return node;
            }
        }

        return -1;
    }
}

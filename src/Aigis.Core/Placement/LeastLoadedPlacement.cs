namespace Aigis.Core.Placement;

/// <summary>
/// <c>least-loaded</c>: the node that fits with the lowest load, which spreads replicas. Load is the node's measured
/// utilization (0 to 1) where a runtime reports one, else its dominant allocated share (the largest of its CPU,
/// memory and GPU fractions in use). Ties go to the lower index, so decisions replay.
/// </summary>
/// <param name="measuredUtilization">A node's measured utilization, or null where none is reported.</param>
internal sealed class LeastLoadedPlacement(Func<int, double?>? measuredUtilization = null) : IPlacementPolicy
{
    public string Name => PlacementPolicyNames.LeastLoaded;

    public int Choose(ClusterState cluster, in PlacementQuery query)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var best = -1;
        var bestLoad = double.MaxValue;
        for (var node = 0; node < cluster.NodeCount; node++)
        {
            if (cluster.Fits(node, query) != FitStatus.Fits)
            {
                continue;
            }

            var load = measuredUtilization?.Invoke(node) ?? NodeUsage.DominantShare(cluster, node);
            if (load < bestLoad)
            {
                best = node;
                bestLoad = load;
            }
        }

        return best;
    }
}

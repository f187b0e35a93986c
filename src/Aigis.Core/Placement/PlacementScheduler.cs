namespace Aigis.Core.Placement;

/// <summary>Places replicas on a cluster by one policy: the policy chooses, the scheduler allocates or explains.</summary>
internal sealed class PlacementScheduler(ClusterState cluster, IPlacementPolicy policy)
{
    public ClusterState Cluster { get; } = cluster ?? throw new ArgumentNullException(nameof(cluster));

    public IPlacementPolicy Policy { get; } = policy ?? throw new ArgumentNullException(nameof(policy));

    public PlacementResult Place(ReplicaRequest request)
    {
        if (request.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(request));
        }

        var query = Cluster.Prepare(request);
        var node = Policy.Choose(Cluster, query);
        return node < 0
            ? PlacementResult.Unplaceable(PlacementFailure.Explain(Cluster, query))
            : PlacementResult.Placed(Cluster.Allocate(node, query));
    }

    public void Remove(in PlacementAllocation allocation) => Cluster.Release(allocation);
}

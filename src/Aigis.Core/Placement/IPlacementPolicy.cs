namespace Aigis.Core.Placement;

/// <summary>Chooses a node for a replica. A policy only reads the cluster; the scheduler allocates what it chooses.</summary>
internal interface IPlacementPolicy
{
    /// <summary>The name config and the bench use, e.g. <c>bin-pack</c>.</summary>
    string Name { get; }

    /// <summary>The index of a node where <see cref="ClusterState.Fits"/> holds for the query, or -1 when there is none.</summary>
    int Choose(ClusterState cluster, in PlacementQuery query);
}

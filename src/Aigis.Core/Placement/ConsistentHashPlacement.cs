namespace Aigis.Core.Placement;

/// <summary>
/// <c>consistent-hash</c>: weighted rendezvous hashing. Each node gets a score from a hash of (replica name, node
/// name), scaled by the node's size; the replica goes to the highest-scoring node that fits.
/// </summary>
/// <remarks>
/// Rendezvous rather than a ring: no virtual nodes to tune, and a replica's order of preference over the nodes
/// depends only on names, so removing a node moves only the replicas that were on it, and adding one takes only
/// the replicas that now prefer it (about 1/N). Weights are capacities (GPUs for GPU replicas, cores otherwise),
/// never current load, so they do not change as the cluster fills. The score <c>w / -ln(u)</c> makes a node's
/// chance of ranking first proportional to its weight (Schindelhauer and Schomaker's weighted rendezvous).
/// </remarks>
internal sealed class ConsistentHashPlacement : IPlacementPolicy
{
    private ClusterState? _hashedCluster;
    private ulong[] _nodeHashes = [];

    public string Name => PlacementPolicyNames.ConsistentHash;

    public int Choose(ClusterState cluster, in PlacementQuery query)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (!ReferenceEquals(cluster, _hashedCluster))
        {
            _nodeHashes = new ulong[cluster.NodeCount];
            for (var n = 0; n < _nodeHashes.Length; n++)
            {
                _nodeHashes[n] = StableHash.Of(cluster.Node(n).Name);
            }

            _hashedCluster = cluster;
        }

        var request = query.Request;
        var key = StableHash.Of(request.Name);
        var best = -1;
        var bestScore = double.MinValue;
        for (var node = 0; node < _nodeHashes.Length; node++)
        {
            if (cluster.Fits(node, query) != FitStatus.Fits)
            {
                continue;
            }

            var spec = cluster.Node(node);
            var weight = request.Gpus > 0 ? spec.Gpus : Math.Max(1, spec.CpuMilli / 1000.0);
            var score = weight / -Math.Log(StableHash.Unit(key, _nodeHashes[node]));
            if (score > bestScore)
            {
                best = node;
                bestScore = score;
            }
        }

        return best;
    }
}

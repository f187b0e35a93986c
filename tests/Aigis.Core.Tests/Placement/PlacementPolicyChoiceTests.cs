using Aigis.Core.Placement;

namespace Aigis.Core.Tests.Placement;

/// <summary>How each policy chooses, on clusters crafted so the choice shows.</summary>
public sealed class PlacementPolicyChoiceTests
{
    private static readonly NodeSpec[] s_three = [new("a", 8000, 32_768), new("b", 8000, 32_768), new("c", 8000, 32_768)];

    [Fact]
    public void Round_robin_takes_nodes_in_turn()
    {
        var scheduler = PlacementPolicyTests.Scheduler(PlacementPolicyNames.RoundRobin, s_three);
        var nodes = Enumerable.Range(0, 4).Select(i => scheduler.Place(new ReplicaRequest($"r{i}", "s", 100, 100)).Allocation.Node).ToArray();
        Assert.Equal([0, 1, 2, 0], nodes);
    }

    [Fact]
    public void Least_loaded_spreads_and_bin_pack_fills_one_node_first()
    {
        var spread = PlacementPolicyTests.Scheduler(PlacementPolicyNames.LeastLoaded, s_three);
        var packed = PlacementPolicyTests.Scheduler(PlacementPolicyNames.BinPack, s_three);
        var spreadNodes = Enumerable.Range(0, 3).Select(i => spread.Place(new ReplicaRequest($"r{i}", "s", 2000, 1024)).Allocation.Node).ToArray();
        var packedNodes = Enumerable.Range(0, 3).Select(i => packed.Place(new ReplicaRequest($"r{i}", "s", 2000, 1024)).Allocation.Node).ToArray();
        Assert.Equal(3, spreadNodes.Distinct().Count());
        Assert.Single(packedNodes.Distinct());
    }

    [Fact]
    public void Least_loaded_uses_measured_utilization_where_reported()
    {
        double?[] measured = [0.9, 0.5, 0.1];
        var scheduler = new PlacementScheduler(new ClusterState(s_three), new LeastLoadedPlacement(n => measured[n]));
        Assert.Equal(2, scheduler.Place(new ReplicaRequest("image-0", "image", 100, 100)).Allocation.Node);
    }

    [Fact]
    public void Frag_aware_keeps_a_whole_node_for_an_eight_gpu_replica_where_least_loaded_cannot()
    {
        NodeSpec[] nodes = [new("g0", 96_000, 786_432, 8, "A100"), new("g1", 96_000, 786_432, 8, "A100")];
        var requests = Enumerable.Range(0, 6).Select(i => new ReplicaRequest($"one-{i}", "one", 4000, 16_384, Gpus: 1))
            .Append(new ReplicaRequest("eight", "eight", 32_000, 131_072, Gpus: 8)).ToArray();
        var fragAware = PlacementPolicyTests.Scheduler(PlacementPolicyNames.FragmentationAware, nodes);
        var leastLoaded = PlacementPolicyTests.Scheduler(PlacementPolicyNames.LeastLoaded, nodes);
        var fragResults = requests.Select(fragAware.Place).ToArray();
        var leastResults = requests.Select(leastLoaded.Place).ToArray();
        Assert.True(fragResults[^1].IsPlaced);
        Assert.False(leastResults[^1].IsPlaced);
    }

    [Fact]
    public void Frag_aware_sends_replicas_without_gpus_to_nodes_without_gpus()
    {
        NodeSpec[] nodes = [new("gpu", 16_000, 65_536, 4, "A100"), new("cpu", 16_000, 65_536)];
        var scheduler = PlacementPolicyTests.Scheduler(PlacementPolicyNames.FragmentationAware, nodes);
        scheduler.Place(new ReplicaRequest("llm-0", "llm", 2000, 8192, Gpus: 1));
        Assert.Equal(1, scheduler.Place(new ReplicaRequest("web-0", "web", 12_000, 8192)).Allocation.Node);
    }

    [Fact]
    public void Consistent_hash_moves_only_the_replicas_of_a_removed_node()
    {
        var nodes = Enumerable.Range(0, 20).Select(i => new NodeSpec($"node-{i}", 1_000_000, 10_000_000, 8, "A100")).ToArray();
        var requests = Enumerable.Range(0, 300).Select(i => new ReplicaRequest($"llm-{i}", "llm", 100, 100, Gpus: 1, GpuMilli: 100)).ToArray();
        var before = PlaceAll(nodes, requests);
        var removed = nodes[7].Name;
        var after = PlaceAll([.. nodes.Where(n => n.Name != removed)], requests);
        var moved = requests.Count(r => before[r.Name] != after[r.Name]);
        var onRemoved = requests.Count(r => before[r.Name] == removed);
        Assert.Equal(onRemoved, moved);
        Assert.InRange(onRemoved, 1, 40);
    }

    [Fact]
    public void Consistent_hash_places_a_replica_on_the_same_node_in_any_process()
    {
        var first = PlaceAll(s_three, [new ReplicaRequest("chat-3", "chat", 100, 100)]);
        var second = PlaceAll([.. s_three.Reverse()], [new ReplicaRequest("chat-3", "chat", 100, 100)]);
        Assert.Equal(first["chat-3"], second["chat-3"]);
    }

    [Fact]
    public void A_failure_names_each_resource_and_on_how_many_nodes()
    {
        NodeSpec[] nodes = [new("small", 1000, 1024, 1, "T4"), new("tiny", 500, 1024, 1, "T4"), new("cpu-only", 64_000, 262_144), new("v100", 64_000, 262_144, 8, "V100")];
        var scheduler = PlacementPolicyTests.Scheduler(PlacementPolicyNames.BinPack, nodes);
        var result = scheduler.Place(new ReplicaRequest("llm-0", "llm", 2000, 4096, Gpus: 2) { GpuModels = ["T4", "A10"] });
        Assert.False(result.IsPlaced);
        var failure = result.Failure!;
        Assert.Equal(2, failure.NodesFailing(FitStatus.GpuModel));
        Assert.Equal(2, failure.NodesFailing(FitStatus.Cpu));
        Assert.Equal("llm-0: no node fits: gpu model not allowed on 2 of 4 nodes, insufficient cpu on 2", failure.ToString());
    }

    [Fact]
    public void A_removed_node_takes_no_replicas_and_leaves_the_gpu_totals()
    {
        var cluster = new ClusterState([new("a", 8000, 8192, 4, "A100"), new("b", 8000, 8192, 4, "A100")]);
        var scheduler = new PlacementScheduler(cluster, new BinPackPlacement());
        scheduler.Place(new ReplicaRequest("r0", "s", 1000, 1024, Gpus: 2));
        cluster.RemoveNode(0);
        Assert.Equal(4000, cluster.TotalGpuMilli);
        Assert.Equal(0, cluster.AllocatedGpuMilli);
        Assert.Equal(1, scheduler.Place(new ReplicaRequest("r1", "s", 1000, 1024, Gpus: 1)).Allocation.Node);
    }

    private static Dictionary<string, string> PlaceAll(NodeSpec[] nodes, ReplicaRequest[] requests)
    {
        var scheduler = PlacementPolicyTests.Scheduler(PlacementPolicyNames.ConsistentHash, nodes);
        return requests.ToDictionary(r => r.Name, r => scheduler.Cluster.Node(scheduler.Place(r).Allocation.Node).Name);
    }
}

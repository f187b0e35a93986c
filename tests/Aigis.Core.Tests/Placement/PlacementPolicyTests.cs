using Aigis.Core.Placement;

namespace Aigis.Core.Tests.Placement;

/// <summary>What every placement policy must do, checked for each by name.</summary>
public sealed class PlacementPolicyTests
{
    public static TheoryData<string> Policies => [.. PlacementPolicyNames.All];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Never_allocates_beyond_any_node_capacity(string policy)
    {
        var nodes = new List<NodeSpec>();
        for (var i = 0; i < 6; i++)
        {
            nodes.Add(new NodeSpec($"n{i}", 16_000, 65_536, Gpus: i % 3 == 0 ? 0 : 4, GpuModel: i % 3 == 0 ? null : "A100"));
        }

        var scheduler = Scheduler(policy, nodes);
        var random = new Random(7);
        var live = new List<PlacementAllocation>();
        for (var i = 0; i < 400; i++)
        {
            if (live.Count > 0 && random.Next(4) == 0)
            {
                var gone = random.Next(live.Count);
                scheduler.Remove(live[gone]);
                live.RemoveAt(gone);
            }

            var gpus = random.Next(4);
            var request = new ReplicaRequest($"r{i}", $"s{i % 5}", random.Next(500, 6000), random.Next(512, 20_000), gpus, gpus == 1 && random.Next(2) == 0 ? random.Next(100, 900) : 0);
            var result = scheduler.Place(request);
            if (result.IsPlaced)
            {
                live.Add(result.Allocation);
            }

            AssertWithinCapacity(scheduler.Cluster);
        }

        Assert.NotEmpty(live);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Honours_at_most_n_replicas_of_a_service_per_node(string policy)
    {
        var scheduler = Scheduler(policy, [new("a", 64_000, 262_144), new("b", 64_000, 262_144), new("c", 64_000, 262_144)]);
        var placedOn = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var result = scheduler.Place(new ReplicaRequest($"chat-{i}", "chat", 1000, 1024) { MaxPerNode = 2 });
            Assert.True(result.IsPlaced);
            placedOn.Add(result.Allocation.Node);
        }

        Assert.All(placedOn.GroupBy(n => n), g => Assert.Equal(2, g.Count()));
        var refused = scheduler.Place(new ReplicaRequest("chat-6", "chat", 1000, 1024) { MaxPerNode = 2 });
        Assert.False(refused.IsPlaced);
        Assert.Equal(3, refused.Failure!.NodesFailing(FitStatus.Spread));

        // Another service is not limited by chat's spread.
        Assert.True(scheduler.Place(new ReplicaRequest("embed-0", "embed", 1000, 1024) { MaxPerNode = 2 }).IsPlaced);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Places_only_on_allowed_gpu_models(string policy)
    {
        var scheduler = Scheduler(policy, [new("a100-0", 64_000, 262_144, 8, "A100"), new("h100-0", 64_000, 262_144, 2, "H100"), new("a100-1", 64_000, 262_144, 8, "A100")]);
        for (var i = 0; i < 2; i++)
        {
            var result = scheduler.Place(new ReplicaRequest($"llm-{i}", "llm", 1000, 1024, Gpus: 1) { GpuModels = ["h100"] });
            Assert.True(result.IsPlaced);
            Assert.Equal("h100-0", scheduler.Cluster.Node(result.Allocation.Node).Name);
        }

        var refused = scheduler.Place(new ReplicaRequest("llm-2", "llm", 1000, 1024, Gpus: 1) { GpuModels = ["H100"] });
        Assert.False(refused.IsPlaced);
        Assert.Equal(2, refused.Failure!.NodesFailing(FitStatus.GpuModel));
        Assert.Equal(1, refused.Failure.NodesFailing(FitStatus.Gpu));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Packs_gpu_shares_onto_one_gpu_and_keeps_the_others_whole(string policy)
    {
        var scheduler = Scheduler(policy, [new("g", 64_000, 262_144, 2, "T4")]);
        for (var i = 0; i < 4; i++)
        {
            Assert.True(scheduler.Place(new ReplicaRequest($"small-{i}", "small", 500, 512, Gpus: 1, GpuMilli: 250)).IsPlaced);
        }

        Assert.Equal([0, 1000], scheduler.Cluster.GpuFree(0).ToArray());
        Assert.True(scheduler.Place(new ReplicaRequest("whole", "big", 500, 512, Gpus: 1)).IsPlaced);
        var refused = scheduler.Place(new ReplicaRequest("one-more", "small", 500, 512, Gpus: 1, GpuMilli: 250));
        Assert.Equal(FitStatus.Gpu, refused.Failure!.MainReason);
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Gives_back_what_a_removed_replica_held(string policy)
    {
        var scheduler = Scheduler(policy, [new("g", 8000, 16_384, 4, "A100")]);
        var big = scheduler.Place(new ReplicaRequest("big", "s", 8000, 16_384, Gpus: 4));
        Assert.True(big.IsPlaced);
        Assert.False(scheduler.Place(new ReplicaRequest("next", "s", 1000, 1024, Gpus: 1)).IsPlaced);
        scheduler.Remove(big.Allocation);
        Assert.True(scheduler.Place(new ReplicaRequest("next", "s", 1000, 1024, Gpus: 1)).IsPlaced);
    }

    internal static PlacementScheduler Scheduler(string policy, IReadOnlyList<NodeSpec> nodes) =>
        new(new ClusterState(nodes), PlacementPolicyNames.Create(policy)!);

    private static void AssertWithinCapacity(ClusterState cluster)
    {
        for (var n = 0; n < cluster.NodeCount; n++)
        {
            var node = cluster.Node(n);
            Assert.InRange(cluster.FreeCpu(n), 0, node.CpuMilli);
            Assert.InRange(cluster.FreeMemory(n), 0, node.MemoryMib);
            foreach (var free in cluster.GpuFree(n))
            {
                Assert.InRange(free, 0, 1000);
            }
        }
    }
}

using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;
using BenchmarkDotNet.Attributes;

namespace Aigis.Benchmarks;

/// <summary>Model lookup in the route table plus an instance pick: the routing cost of every request.</summary>
[MemoryDiagnoser]
public class BalancerBenchmark
{
    private RouteTable _table = null!;

    [Params(8, 256)]
    public int Instances { get; set; }

    [Params("round-robin", "random")]
    public string Policy { get; set; } = "round-robin";

    [GlobalSetup]
    public void Setup()
    {
        var instances = Enumerable.Range(0, Instances)
            .Select(i => new InstanceConfig { Id = $"i{i}", Url = new Uri($"http://127.0.0.1:{10000 + i}") })
            .ToArray();
        var config = new AigisConfig
        {
            Services = [new ServiceConfig { Name = "chat", Kind = ServiceKind.Llm, Models = ["llama"], Balancer = Policy, Instances = instances }],
        };
        _table = RouteTable.Build(config, null, new LoadBalancingPolicyFactory(() => new Random(1)), DateTimeOffset.UnixEpoch);
    }

    [Benchmark]
    public UpstreamInstance? LookupAndPick() => _table.ByModel["llama"].Pick();
}

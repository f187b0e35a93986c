using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using BenchmarkDotNet.Attributes;

namespace Aigis.Benchmarks;

/// <summary>
/// The cost of one pick, per policy, at 8 and 256 instances, with realistic state: in-flight counts spread,
/// scraped loads fresh, latency estimates warm, and for prefix-aware a 4k-token prompt (32 blocks of 128 bytes of
/// text shared with earlier prompts, then new ones) against a warm index.
/// </summary>
[MemoryDiagnoser]
public class BalancerBenchmark
{
    private UpstreamInstance[] _instances = [];
    private ILoadBalancingPolicy _policy = null!;
    private BalancingRequest _request;

    [Params(8, 256)]
    public int Instances { get; set; }

    [Params("round-robin", "random", "least-requests", "power-of-two", "peak-ewma", "consistent-hash", "least-kv", "prefix-aware")]
    public string Policy { get; set; } = "round-robin";

    [GlobalSetup]
    public void Setup()
    {
        var time = TimeProvider.System;
        var random = new Random(1);
        _instances = [.. Enumerable.Range(0, Instances).Select(i => new UpstreamInstance("chat", $"i{i}", new Uri($"http://127.0.0.1:{10_000 + i}"), TimeProvider.System))];
        foreach (var instance in _instances)
        {
            for (var r = random.Next(8); r > 0; r--)
            {
                instance.OnRequestStarted();
            }

            instance.OnLoadScraped(new InstanceLoad(random.Next(4), random.Next(64), random.NextDouble(), time.GetTimestamp(), instance.InFlight));
            instance.Latency.Record(TimeSpan.FromMilliseconds(20 + random.Next(200)), time.GetTimestamp(), time);
            instance.OnPrefillPending(random.Next(1_000));
        }

        _policy = new LoadBalancingPolicyFactory(time, () => new Random(2)).Create(Policy, new BalancingOptions { StaleAfter = TimeSpan.FromHours(1) });

        // A 4k-token prompt is about 16 KiB of text: 128 blocks of 128 bytes, the first 96 a shared system prompt.
        var system = Enumerable.Range(0, 96).Select(i => (ulong)random.NextInt64()).ToArray();
        for (var warm = 0; warm < Instances * 4; warm++)
        {
            var other = system.Concat(Enumerable.Range(0, 32).Select(_ => (ulong)random.NextInt64())).ToArray();
            _policy.Pick(_instances, BalancingRequest.WithPrefix(other));
        }

        var prompt = system.Concat(Enumerable.Range(0, 32).Select(_ => (ulong)random.NextInt64())).ToArray();
        _request = new BalancingRequest { PrefixBlocks = prompt, PromptBlocks = prompt.Length, AffinityKey = 42, HasAffinityKey = true };
    }

    [Benchmark]
    public UpstreamInstance Pick() => _policy.Pick(_instances, _request);
}

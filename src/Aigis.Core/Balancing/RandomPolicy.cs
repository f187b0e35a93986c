using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>Picks uniformly at random. The random source is injected so tests can fix it.</summary>
internal sealed class RandomPolicy(SharedRandom random) : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.Random;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request) => instances[random.Next(instances.Length)];
}

using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>Takes instances in turn. One shared counter per service; the unsigned wrap keeps the index valid forever.</summary>
internal sealed class RoundRobinPolicy : ILoadBalancingPolicy
{
    private uint _next = uint.MaxValue;

    public string Name => LoadBalancingPolicyNames.RoundRobin;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        var turn = Interlocked.Increment(ref _next);
        return instances[(int)(turn % (uint)instances.Length)];
    }
}

using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Two instances at random; the one with fewer requests in flight wins (Mitzenmacher's power of two choices).
/// Nearly as good as least-requests, without scanning, and without every gateway replica herding onto the same
/// least-loaded instance.
/// </summary>
internal sealed class PowerOfTwoChoicesPolicy(SharedRandom random) : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.PowerOfTwo;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        if (instances.Length == 1)
        {
            return instances[0];
        }

        var (first, second) = random.NextPair(instances.Length);
        return instances[second].InFlight < instances[first].InFlight ? instances[second] : instances[first];
    }
}

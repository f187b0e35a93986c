using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Picks the instance with the fewest requests this gateway has in flight. The scan starts at a rotating offset,
/// so ties spread instead of always landing on the first instance.
/// </summary>
internal sealed class LeastRequestsPolicy : ILoadBalancingPolicy
{
    private uint _start;

    public string Name => LoadBalancingPolicyNames.LeastRequests;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        var offset = (int)(Interlocked.Increment(ref _start) % (uint)instances.Length);
        var best = instances[offset];
        var bestInFlight = best.InFlight;
        for (var i = 1; i < instances.Length && bestInFlight > 0; i++)
        {
            var candidate = instances[(offset + i) % instances.Length];
            var inFlight = candidate.InFlight;
            if (inFlight < bestInFlight)
            {
                best = candidate;
                bestInFlight = inFlight;
            }
        }

        return best;
    }
}

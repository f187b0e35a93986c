using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Finagle's and Linkerd's peak-EWMA: of two random instances, the one with the lower cost wins, where cost is
/// the peak-sensitive latency estimate times (in-flight + 1). An instance without a sample yet costs as if it had
/// the lower of the two estimates, so new instances are tried rather than starved.
/// </summary>
internal sealed class PeakEwmaPolicy(SharedRandom random, TimeProvider time) : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.PeakEwma;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        if (instances.Length == 1)
        {
            return instances[0];
        }

        var (firstIndex, secondIndex) = random.NextPair(instances.Length);
        var first = instances[firstIndex];
        var second = instances[secondIndex];
        var now = time.GetTimestamp();
        var firstLatency = first.Latency.EstimateMs(now, time);
        var secondLatency = second.Latency.EstimateMs(now, time);

        // Unknown latency borrows the other's, so in-flight counts alone decide between a new and a known instance.
        if (firstLatency == 0)
        {
            firstLatency = secondLatency;
        }
        else if (secondLatency == 0)
        {
            secondLatency = firstLatency;
        }

        var firstCost = Math.Max(firstLatency, 1e-3) * (first.InFlight + 1);
        var secondCost = Math.Max(secondLatency, 1e-3) * (second.InFlight + 1);
        return secondCost < firstCost ? second : first;
    }
}

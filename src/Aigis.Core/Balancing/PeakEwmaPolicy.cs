using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Finagle's and Linkerd's peak-EWMA: of two random instances, the one with the lower cost wins, where cost is the
/// peak-sensitive estimate of time to first byte times (outstanding work + 1). An instance without a sample yet costs
/// as if it had the lower of the two estimates, so new instances are tried rather than starved.
/// </summary>
/// <remarks>
/// Linkerd counts outstanding work in requests. Here a prompt still awaiting its first token counts for more (see
/// <see cref="OutstandingWork"/>): on the routing bench's bursty workload, counting requests alone left peak-ewma's
/// TTFT p99 1.5x least-requests', because a latency sample is as old as the queue it measured and so lags a burst.
/// Prefill owed is known the moment a request is sent.
/// </remarks>
internal sealed class PeakEwmaPolicy(OutstandingWork work, SharedRandom random, TimeProvider time) : ILoadBalancingPolicy
{
    public string Name => LoadBalancingPolicyNames.PeakEwma;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        work.Observe(request.PromptBlocks);
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

        // Unknown latency borrows the other's, so outstanding work alone decides between a new and a known instance.
        if (firstLatency == 0)
        {
            firstLatency = secondLatency;
        }
        else if (secondLatency == 0)
        {
            secondLatency = firstLatency;
        }

        var meter = work.Now();
        var firstCost = Math.Max(firstLatency, 1e-3) * (meter.Of(first) + 1);
        var secondCost = Math.Max(secondLatency, 1e-3) * (meter.Of(second) + 1);
        return secondCost < firstCost ? second : first;
    }
}

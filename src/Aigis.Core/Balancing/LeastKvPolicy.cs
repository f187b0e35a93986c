using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Queue- and KV-cache-aware: the lowest weighted sum of the queue estimate (relative to the fleet's largest) and
/// the scraped KV cache usage wins, as the Gateway API Inference Extension's endpoint picker scores. Ties go to
/// fewer in-flight requests. Without fresh metrics it degrades to least-requests.
/// </summary>
internal sealed class LeastKvPolicy(BalancingOptions options, TimeProvider time) : ILoadBalancingPolicy
{
    private const int StackLimit = 256;
    private uint _start;

    public string Name => LoadBalancingPolicyNames.LeastKv;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        if (instances.Length == 1)
        {
            return instances[0];
        }

        Span<double> queue = instances.Length <= StackLimit ? stackalloc double[instances.Length] : new double[instances.Length];
        Span<double> kv = instances.Length <= StackLimit ? stackalloc double[instances.Length] : new double[instances.Length];
        var (_, maxQueue, _) = LoadSignals.Estimate(instances, queue, kv, time, options.StaleAfter);

        var offset = (int)(Interlocked.Increment(ref _start) % (uint)instances.Length);
        var best = -1;
        var bestScore = double.MaxValue;
        var queueWeight = options.QueueWeight / maxQueue;
        var kvWeight = options.KvWeight;
        for (int n = 0, i = offset; n < instances.Length; n++, i = i + 1 == instances.Length ? 0 : i + 1)
        {
            var score = (queueWeight * queue[i]) + (kvWeight * kv[i]);
            if (score < bestScore - 1e-12 || (Math.Abs(score - bestScore) <= 1e-12 && instances[i].InFlight < instances[best].InFlight))
            {
                best = i;
                bestScore = score;
            }
        }

        return instances[best];
    }
}

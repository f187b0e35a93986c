using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Prefix-cache affinity with load awareness, as llm-d's scheduler and Dynamo's KV router score: each instance
/// gets prefixWeight x (share of the prompt's leading blocks it is believed to hold) - queueWeight x (its queue
/// estimate relative to the fleet's largest) - inFlightWeight x (this gateway's in-flight count to it, relative to
/// the largest: always fresh, unlike scraped metrics) - kvWeight x (its KV cache usage, weighted lightly up to 80%
/// and steeply beyond) - prefillWeight x (the prefill work it would have before this request's first token, relative
/// to the largest: prompt blocks sent to it and not yet answered, plus the blocks of this prompt it does not hold); the highest score wins, ties to fewer in-flight requests. An instance whose queue runs more than overloadMargin above the shortest loses its
/// prefix bonus, so a popular prefix spreads instead of piling onto one instance.
/// </summary>
/// <remarks>
/// The index is fed by this policy's own decisions (what it sent where), never by the instances: a real gateway
/// cannot see inside a server's cache. Prompts without prefix blocks are placed by queue and KV alone.
/// </remarks>
internal sealed class PrefixAwarePolicy(BalancingOptions options, TimeProvider time) : ILoadBalancingPolicy
{
    private const int StackLimit = 256;

    // KV usage weighs lightly below the point where preemption looms and steeply above it: a reading up to a scrape
    // old separates instances poorly when memory is plentiful, and matters a great deal when it is not.
    private const double KvLinearShare = 0.4;
    private const double KvPressureThreshold = 0.8;

    // Instances that may be credited with part of one prompt's prefix.
    private const int MaxCandidates = 16;
    private readonly PrefixIndex _index = new(options.PrefixIndexCapacity);
    private uint _start;

    public string Name => LoadBalancingPolicyNames.PrefixAware;

    public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
    {
        var blocks = request.PrefixBlocks.Span;
        var chosen = instances.Length == 1 ? instances[0] : Choose(instances, blocks, request.PromptBlocks);
        if (!blocks.IsEmpty)
        {
            _index.Record(blocks, chosen);
        }

        return chosen;
    }

    private UpstreamInstance Choose(ReadOnlySpan<UpstreamInstance> instances, ReadOnlySpan<ulong> blocks, int promptBlocks)
    {
        Span<double> queue = instances.Length <= StackLimit ? stackalloc double[instances.Length] : new double[instances.Length];
        Span<double> kv = instances.Length <= StackLimit ? stackalloc double[instances.Length] : new double[instances.Length];
        var (_, maxQueue, minQueue) = LoadSignals.Estimate(instances, queue, kv, time, options.StaleAfter);

        var maxInFlight = 1.0;
        foreach (var instance in instances)
        {
            maxInFlight = Math.Max(maxInFlight, instance.InFlight);
        }

        var buffer = default(MatchBuffer);
        Span<(UpstreamInstance Instance, int Blocks)> matches = buffer;
        var matchCount = blocks.IsEmpty ? 0 : _index.Match(blocks, matches);

        // Blocks of the prompt each instance is believed to hold, and the prefill work it would have before this
        // request's first token: what it was sent and has not answered, plus the part of this prompt it lacks. Past the
        // overload margin an instance loses its prefix bonus; past twice the margin it is treated as holding nothing,
        // so a popular prefix spreads even when the prefill it saves is large.
        Span<int> held = instances.Length <= StackLimit ? stackalloc int[instances.Length] : new int[instances.Length];
        Span<double> prefill = instances.Length <= StackLimit ? stackalloc double[instances.Length] : new double[instances.Length];
        var maxPrefill = 1.0;
        for (var i = 0; i < instances.Length; i++)
        {
            held[i] = 0;
            for (var m = 0; m < matchCount && queue[i] <= minQueue + (2 * options.OverloadMargin); m++)
            {
                if (ReferenceEquals(matches[m].Instance, instances[i]))
                {
                    held[i] = matches[m].Blocks;
                }
            }

            prefill[i] = instances[i].PendingPrefill + Math.Max(0, promptBlocks - held[i]);
            maxPrefill = Math.Max(maxPrefill, prefill[i]);
        }

        var offset = (int)(Interlocked.Increment(ref _start) % (uint)instances.Length);
        var best = -1;
        var bestScore = double.MinValue;
        for (int n = 0, i = offset; n < instances.Length; n++, i = i + 1 == instances.Length ? 0 : i + 1)
        {
            var share = blocks.IsEmpty || queue[i] > minQueue + options.OverloadMargin ? 0 : (double)held[i] / blocks.Length;
            var kvPressure = (KvLinearShare * kv[i]) + (Math.Max(0, kv[i] - KvPressureThreshold) / (1 - KvPressureThreshold));
            var score = (options.PrefixWeight * share)
                - (options.QueueWeight * queue[i] / maxQueue)
                - (options.KvWeight * kvPressure)
                - (options.InFlightWeight * instances[i].InFlight / maxInFlight)
                - (options.PrefillWeight * prefill[i] / maxPrefill);
            if (score > bestScore + 1e-12 || (Math.Abs(score - bestScore) <= 1e-12 && instances[i].InFlight < instances[best].InFlight))
            {
                best = i;
                bestScore = score;
            }
        }

        return instances[best];
    }

    [System.Runtime.CompilerServices.InlineArray(MaxCandidates)]
    private struct MatchBuffer
    {
        private (UpstreamInstance Instance, int Blocks) _element;
    }
}

using System.ComponentModel.DataAnnotations;

namespace Aigis.Core.Balancing;

/// <summary>Parameters of the balancing policies; each policy reads the ones it uses. Validated at config load.</summary>
public sealed record BalancingOptions
{
    /// <summary>consistent-hash: where the key comes from, <c>header:NAME</c> or <c>body:FIELD</c>. Default <c>body:user</c> (OpenAI's end-user id).</summary>
    public string HashKey { get; init; } = "body:user";

    /// <summary>least-kv, prefix-aware: how often each instance's /metrics is scraped. Default 1s.</summary>
    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// consistent-hash: load bound factor c; an instance takes a request only while its load is under c x the average
    /// load with this request (load as <see cref="PrefillLoadWeight"/> counts it; for whole requests, the paper's
    /// ceil(c x average)). Default 1.25.
    /// </summary>
    [Range(1.0, 10.0)]
    public double LoadFactor { get; init; } = 1.25;

    /// <summary>consistent-hash: points per instance on the ring. Default 160.</summary>
    [Range(1, 10_000)]
    public int VirtualNodes { get; init; } = 160;

    /// <summary>least-kv, prefix-aware: scraped metrics older than this are not trusted. Default 3s.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>prefix-aware: weight of the share of the prompt's prefix an instance is believed to hold. Default 4.</summary>
    [Range(0.0, 1000.0)]
    public double PrefixWeight { get; init; } = 4;

    /// <summary>least-kv, prefix-aware: weight of the queue estimate (relative to the fleet's largest). Default 1.</summary>
    [Range(0.0, 1000.0)]
    public double QueueWeight { get; init; } = 1;

    /// <summary>prefix-aware: weight of this gateway's in-flight count (relative to the fleet's largest). Default 1.</summary>
    /// <remarks>
    /// Decoding requests lengthen every step of their instance, so an instance holding many sessions' prefixes also
    /// answers first tokens more slowly. At 0.25 prefix-aware placed up to 1.24x the mean on one instance (chat preset);
    /// 1 (with prefillWeight 4) brought chat TTFT p90 to 0.48-0.52x round-robin's on seeds 1-5, from 0.48-0.55x.
    /// </remarks>
    [Range(0.0, 1000.0)]
    public double InFlightWeight { get; init; } = 1;

    /// <summary>
    /// prefix-aware: weight of the prefill work an instance would have before this request's first token: the prompt
    /// blocks it was sent and has not answered yet, plus the part of this prompt it is not believed to hold (relative
    /// to the fleet's largest). Default 4.
    /// </summary>
    /// <remarks>
    /// Time to first token is mostly prefill, and prefill is proportional to uncached prompt length, which varies a
    /// hundredfold between requests: counting requests (queue, in-flight) treats a 100k-token prompt like a 100-token
    /// one. This is the cost Dynamo's KV router scores by, kept from the gateway's own sends, so it is never stale.
    /// </remarks>
    [Range(0.0, 1000.0)]
    public double PrefillWeight { get; init; } = 4;

    /// <summary>
    /// peak-ewma, consistent-hash: how many in-flight requests a prompt of the mean size that still awaits its first
    /// token counts as, when they weigh an instance's load. 0 counts requests only, as the classic policies do. Default 24.
    /// </summary>
    /// <remarks>
    /// A waiting prompt holds up every later first token on its instance; a decoding request barely does. 24 came from
    /// sweeping 0-64 on the routing bench (bursty, uniform, chat and both traces, seeds 1-6): at 0 bursty TTFT p99 is
    /// 1.2-1.8x least-requests'; from about 12 up it is 0.8-1.15x, varying more with the seed than with the weight; 24 had
    /// the lowest worst case; above about 32 consistent hashing gives up affinity (chat prefix hit rate falls).
    /// </remarks>
    [Range(0.0, 1000.0)]
    public double PrefillLoadWeight { get; init; } = 24;

    /// <summary>least-kv, prefix-aware: weight of KV cache usage. Default 1.</summary>
    [Range(0.0, 1000.0)]
    public double KvWeight { get; init; } = 1;

    /// <summary>prefix-aware: an instance whose queue estimate exceeds the fleet's lowest by this much loses its prefix bonus. Default 4.</summary>
    /// <remarks>
    /// Below saturation an LLM server admits nearly everything into its batch, so the queue estimate is mostly the
    /// requests sent since the last scrape: the margin bounds how many more of those a prefix's holder may take
    /// than the least loaded instance before the prefix spreads.
    /// </remarks>
    [Range(0.0, 100_000.0)]
    public double OverloadMargin { get; init; } = 4;

    /// <summary>prefix-aware: prefix blocks the index remembers, across all instances (bounded memory, LRU). Default 1,048,576.</summary>
    [Range(1024, 100_000_000)]
    public int PrefixIndexCapacity { get; init; } = 1 << 20;
}

using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Picks the instance for one request. Implementations are thread-safe and cheap; the simple ones allocate
/// nothing. Policies see only what a real deployment shows: the gateway's own counts and timings, the request,
/// and metrics scraped from the instances (never simulator internals).
/// </summary>
public interface ILoadBalancingPolicy
{
    string Name { get; }

    /// <summary>Picks one of <paramref name="instances"/>: never empty, every one eligible (healthy).</summary>
    UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request);
}

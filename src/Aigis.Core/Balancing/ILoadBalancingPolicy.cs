using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>Picks the instance for one request. Implementations are thread-safe and allocation-free.</summary>
public interface ILoadBalancingPolicy
{
    string Name { get; }

    /// <summary>Picks one of <paramref name="instances"/>, which is never empty.</summary>
    UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances);
}

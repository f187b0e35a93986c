namespace Aigis.Core.Balancing;

/// <summary>The names a service's <c>balancer</c> may take; each has one policy class.</summary>
public static class LoadBalancingPolicyNames
{
    public const string RoundRobin = "round-robin";
    public const string Random = "random";
    public const string LeastRequests = "least-requests";
    public const string PowerOfTwo = "power-of-two";
    public const string PeakEwma = "peak-ewma";
    public const string ConsistentHash = "consistent-hash";
    public const string LeastKv = "least-kv";
    public const string PrefixAware = "prefix-aware";

    public static IReadOnlyList<string> All { get; } = [RoundRobin, Random, LeastRequests, PowerOfTwo, PeakEwma, ConsistentHash, LeastKv, PrefixAware];

    /// <summary>Policies that read instances' scraped metrics, so their services are scraped.</summary>
    public static bool UsesScrapedMetrics(string name) => name is LeastKv or PrefixAware;
}

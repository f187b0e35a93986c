namespace Aigis.Core.Balancing;

/// <summary>The names a service's <c>balancer</c> may take; each has one policy class.</summary>
public static class LoadBalancingPolicyNames
{
    public const string RoundRobin = "round-robin";
    public const string Random = "random";

    public static IReadOnlyList<string> All { get; } = [RoundRobin, Random];
}

namespace Aigis.Core.Balancing;

/// <summary>Creates a fresh policy by name; each service gets its own, so policy state is never shared.</summary>
public sealed class LoadBalancingPolicyFactory(Func<Random> randomFactory)
{
    public LoadBalancingPolicyFactory()
        : this(() => Random.Shared)
    {
    }

    public ILoadBalancingPolicy Create(string name) => name switch
    {
        LoadBalancingPolicyNames.RoundRobin => new RoundRobinPolicy(),
        LoadBalancingPolicyNames.Random => new RandomPolicy(randomFactory()),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown load-balancing policy; the config validator should have refused it"),
    };
}

namespace Aigis.Core.Balancing;

/// <summary>Creates a fresh policy by name; each service gets its own, so policy state is never shared.</summary>
public sealed class LoadBalancingPolicyFactory(TimeProvider time, Func<Random> randomFactory)
{
    public LoadBalancingPolicyFactory()
        : this(TimeProvider.System, static () => new Random())
    {
    }

    public LoadBalancingPolicyFactory(Func<Random> randomFactory)
        : this(TimeProvider.System, randomFactory)
    {
    }

    public ILoadBalancingPolicy Create(string name, BalancingOptions? options = null)
    {
        options ??= new BalancingOptions();
        return name switch
        {
            LoadBalancingPolicyNames.RoundRobin => new RoundRobinPolicy(),
            LoadBalancingPolicyNames.Random => new RandomPolicy(new SharedRandom(randomFactory())),
            LoadBalancingPolicyNames.LeastRequests => new LeastRequestsPolicy(),
            LoadBalancingPolicyNames.PowerOfTwo => new PowerOfTwoChoicesPolicy(new SharedRandom(randomFactory())),
            LoadBalancingPolicyNames.PeakEwma => new PeakEwmaPolicy(new OutstandingWork(options.PrefillLoadWeight), new SharedRandom(randomFactory()), time),
            LoadBalancingPolicyNames.ConsistentHash => new ConsistentHashPolicy(options, new SharedRandom(randomFactory())),
            LoadBalancingPolicyNames.LeastKv => new LeastKvPolicy(options, time),
            LoadBalancingPolicyNames.PrefixAware => new PrefixAwarePolicy(options, time),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown load-balancing policy; the config validator should have refused it"),
        };
    }
}

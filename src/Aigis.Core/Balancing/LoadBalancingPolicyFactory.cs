namespace Aigis.Core.Balancing;

/// <summary>Creates a fresh policy by name; each service gets its own, so policy state is never shared.</summary>
/// <param name="time">The clock of latency-aware policies.</param>
/// <param name="randomFactory">The source of each policy's random generator; seeded in tests and simulations.</param>
public sealed class LoadBalancingPolicyFactory(TimeProvider time, Func<Random> randomFactory)
{

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

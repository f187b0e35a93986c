using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;
using static Aigis.Core.Tests.Balancing.PolicyTestKit;

namespace Aigis.Core.Tests.Balancing;

/// <summary>What every policy must do, whatever its strategy.</summary>
public sealed class PolicyContractTests
{
    public static TheoryData<string> Policies() => [.. LoadBalancingPolicyNames.All];

    [Theory]
    [MemberData(nameof(Policies))]
    public void Picks_one_of_the_given_instances_at_every_size(string policy)
    {
        foreach (var size in new[] { 1, 2, 8, 256 })
        {
            var instances = Instances(size);
            var balancer = Create(policy);
            for (var i = 0; i < 50; i++)
            {
                var request = new BalancingRequest { PrefixBlocks = Blocks(i % 5, 64), AffinityKey = (ulong)i, HasAffinityKey = true };
                Assert.Contains(balancer.Pick(instances, request), instances);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void A_service_with_no_instance_picks_none(string policy)
    {
        var route = new ServiceRoute(new ServiceConfig { Name = "svc" }, [], Create(policy), new Core.Resilience.RetryBudget(new(), TimeProvider.System));

        Assert.Null(route.Pick(BalancingRequest.None));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Unhealthy_instances_are_never_picked(string policy)
    {
        var instances = Instances(8);
        foreach (var i in new[] { 0, 2, 3, 5, 7 })
        {
            instances[i].IsHealthy = false;
        }

        var route = new ServiceRoute(new ServiceConfig { Name = "svc" }, instances, Create(policy), new Core.Resilience.RetryBudget(new(), TimeProvider.System));
        for (var i = 0; i < 200; i++)
        {
            var request = new BalancingRequest { PrefixBlocks = Blocks(i % 3, 32), AffinityKey = (ulong)i, HasAffinityKey = true };
            Assert.True(route.Pick(request)!.IsHealthy);
        }

        foreach (var instance in instances)
        {
            instance.IsHealthy = false;
        }

        Assert.Null(route.Pick(BalancingRequest.None));
    }

    [Theory]
    [MemberData(nameof(Policies))]
    public void Seeded_policies_repeat_their_choices(string policy)
    {
        string[] Run()
        {
            var instances = Instances(8);
            var balancer = Create(policy, seed: 7);
            return [.. Enumerable.Range(0, 100).Select(i => balancer.Pick(instances, new BalancingRequest { AffinityKey = (ulong)(i % 13), HasAffinityKey = true, PrefixBlocks = Blocks(i % 4, 16) }).Id)];
        }

        Assert.Equal(Run(), Run());
    }
}

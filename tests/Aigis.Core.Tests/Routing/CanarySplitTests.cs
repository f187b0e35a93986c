using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Routing;

public sealed class CanarySplitTests
{
    [Fact]
    public void The_canary_gets_exactly_its_share_and_the_balancer_never_picks_it()
    {
        var route = Route(share: 0.05);
        var picks = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < 1000; i++)
        {
            var id = route.Pick()!.Id;
            picks[id] = picks.GetValueOrDefault(id) + 1;
        }

        Assert.Equal(50, picks["new"]);
        Assert.Equal(475, picks["a"]);
        Assert.Equal(475, picks["b"]);
    }

    [Fact]
    public void A_retry_after_the_canary_goes_to_a_stable_instance()
    {
        var route = Route(share: 0.5);
        var canary = route.Canary!.Instance;
        for (var i = 0; i < 10; i++)
        {
            Assert.NotSame(canary, route.Pick(BalancingRequest.None, [canary]));
        }
    }

    [Fact]
    public void With_no_stable_instance_left_the_canary_takes_every_request()
    {
        var route = Route(share: 0.05);
        foreach (var instance in route.Instances.Where(i => i.Id != "new"))
        {
            instance.IsHealthy = false;
        }

        Assert.All(Enumerable.Range(0, 10), _ => Assert.Equal("new", route.Pick()!.Id));
    }

    private static ServiceRoute Route(double share)
    {
        var time = new FakeTimeProvider();
        var config = new AigisConfig { Services = [new ServiceConfig { Name = "chat", Runtime = RuntimeKind.Process }] };
        InstanceConfig[] deployed =
        [
            new() { Id = "a", Url = new Uri("http://127.0.0.1:9001/") },
            new() { Id = "b", Url = new Uri("http://127.0.0.1:9002/") },
            new() { Id = "new", Url = new Uri("http://127.0.0.1:9003/"), TrafficShare = share },
        ];
        var table = RouteTable.Build(config, null, new LoadBalancingPolicyFactory(time, () => new Random(1)), time.GetUtcNow(), time,
            new Dictionary<string, IReadOnlyList<InstanceConfig>>(StringComparer.Ordinal) { ["chat"] = deployed });
        return table.ByName["chat"];
    }
}

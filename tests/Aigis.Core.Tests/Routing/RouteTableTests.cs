using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;

namespace Aigis.Core.Tests.Routing;

public sealed class RouteTableTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 25, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Routes_models_and_names_to_their_service()
    {
        var table = Build("""
            services:
              - {name: chat, kind: llm, models: [a, b], instances: ["http://127.0.0.1:1"]}
              - {name: img, kind: http, instances: ["http://127.0.0.1:2"]}
            """);

        Assert.Equal("chat", table.ByModel["a"].Name);
        Assert.Equal("chat", table.ByModel["b"].Name);
        Assert.Equal("img", table.ByName["img"].Name);
        Assert.Equal(["a", "b"], table.Models);
        Assert.False(table.ByModel.ContainsKey("A"));
    }

    [Fact]
    public void Reload_keeps_the_state_of_unchanged_instances_and_replaces_changed_ones()
    {
        var before = Build("""
            services:
              - {name: chat, kind: llm, models: [a], instances: ["http://127.0.0.1:1", "http://127.0.0.1:2"]}
            """);
        before.ByName["chat"].Instances[0].OnRequestStarted();

        var after = Build("""
            services:
              - {name: chat, kind: llm, models: [a], instances: ["http://127.0.0.1:1", "http://127.0.0.1:3"]}
            """, before);

        Assert.Same(before.ByName["chat"].Instances[0], after.ByName["chat"].Instances[0]);
        Assert.Equal(1, after.ByName["chat"].Instances[0].InFlight);
        Assert.NotSame(before.ByName["chat"].Instances[1], after.ByName["chat"].Instances[1]);
        Assert.Equal(new Uri("http://127.0.0.1:3"), after.ByName["chat"].Instances[1].Url);
    }

    [Fact]
    public void Round_robin_takes_each_instance_in_turn()
    {
        var route = Build("""
            services:
              - {name: s, instances: ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"]}
            """).ByName["s"];

        var picks = Enumerable.Range(0, 6).Select(_ => route.Pick()!.Url.Port).ToArray();

        Assert.Equal([1, 2, 3, 1, 2, 3], picks);
    }

    [Fact]
    public void Random_policy_uses_the_injected_seed()
    {
        const string yaml = """
            services:
              - {name: s, balancer: random, instances: ["http://127.0.0.1:1", "http://127.0.0.1:2", "http://127.0.0.1:3"]}
            """;
        var first = Build(yaml, policies: new LoadBalancingPolicyFactory(TimeProvider.System, () => new Random(42))).ByName["s"];
        var second = Build(yaml, policies: new LoadBalancingPolicyFactory(TimeProvider.System, () => new Random(42))).ByName["s"];

        var a = Enumerable.Range(0, 20).Select(_ => first.Pick()!.Id).ToArray();
        var b = Enumerable.Range(0, 20).Select(_ => second.Pick()!.Id).ToArray();

        Assert.Equal(a, b);
        Assert.True(a.Distinct().Count() > 1);
    }

    [Fact]
    public void Service_without_instances_picks_none()
    {
        var route = Build("services: [{name: s}]").ByName["s"];

        Assert.Null(route.Pick());
    }

    [Fact]
    public void Process_services_route_to_their_deployed_instances_and_static_ones_to_their_config()
    {
        var deployed = new Dictionary<string, IReadOnlyList<InstanceConfig>>
        {
            ["local"] = [new InstanceConfig { Id = "local-0", Url = new Uri("http://127.0.0.1:41000") }],
            ["remote"] = [new InstanceConfig { Id = "ignored", Url = new Uri("http://127.0.0.1:41001") }],
        };
        const string Yaml = """
            services:
              - {name: local, kind: llm, models: [a], runtime: process, process: {command: x, args: ["{port}"]}}
              - {name: remote, kind: llm, models: [b], instances: ["http://127.0.0.1:2"]}
              - {name: pending, runtime: process, process: {command: x, args: ["{port}"]}}
            """;

        var table = Build(Yaml, deployed: deployed);

        Assert.Equal("local-0", Assert.Single(table.ByName["local"].Instances).Id);
        Assert.Equal(new Uri("http://127.0.0.1:2"), Assert.Single(table.ByName["remote"].Instances).Url);
        Assert.Empty(table.ByName["pending"].Instances);
    }

    [Fact]
    public void Deployed_instances_keep_their_state_when_the_config_is_rebuilt()
    {
        var deployed = new Dictionary<string, IReadOnlyList<InstanceConfig>>
        {
            ["local"] = [new InstanceConfig { Id = "local-0", Url = new Uri("http://127.0.0.1:41000") }],
        };
        const string Yaml = "services: [{name: local, runtime: process, process: {command: x, args: [\"{port}\"]}}]";
        var before = Build(Yaml, deployed: deployed);

        var after = Build(Yaml.Replace("name: local,", "name: local, balancer: random,", StringComparison.Ordinal), before, deployed: deployed);

        Assert.Same(before.ByName["local"].Instances[0], after.ByName["local"].Instances[0]);
    }

    private static RouteTable Build(
        string yaml, RouteTable? previous = null, LoadBalancingPolicyFactory? policies = null,
        IReadOnlyDictionary<string, IReadOnlyList<InstanceConfig>>? deployed = null)
    {
        var result = ConfigLoader.LoadText(yaml, "t.yaml");
        Assert.Empty(result.Errors);
        return RouteTable.Build(result.Config!, previous, policies ?? new LoadBalancingPolicyFactory(TimeProvider.System, () => new Random(1)), s_now, TimeProvider.System, deployed);
    }
}

using System.Collections.Concurrent;
using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Deployers.Docker;
using Aigis.Tests.Infrastructure;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;
using DockerConfig = Aigis.Core.Configuration.DockerConfig;
using ServiceConfig = Aigis.Core.Configuration.ServiceConfig;

namespace Aigis.Tests.Deployers.Docker;

/// <summary>
/// The Docker runtime against a real engine (a private dockerd, <see cref="DockerEngineFixture"/>): busybox containers
/// on host networking serve a health file on the loopback port aigis picks for each.
/// </summary>
[Collection(DockerEngineTests.Name)]
public sealed class DockerDeployerTests(DockerEngineFixture engine) : IAsyncLifetime
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly string _identity = "test-" + Guid.NewGuid().ToString("N")[..12];
    private readonly RecordingSink _sink = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<DockerDeployer> _deployers = [];

    [Fact]
    public async Task Creates_replicas_that_become_healthy_and_are_published()
    {
        var deployer = Deployer();

        await ReconcileAsync(deployer, Web(replicas: 2, resources: new ResourcesConfig { CpuMilli = 250, MemoryBytes = 64L << 20 }));

        Assert.Equal(["web-0", "web-1"], deployer.Replicas.Select(r => r.Name));
        Assert.All(deployer.Replicas, r => Assert.Equal(ReplicaState.Healthy, r.State));
        Assert.Equal(deployer.Replicas.Select(r => r.Url), _sink.Instances("web").Select(i => i.Url));
        using var http = new HttpClient();
        foreach (var replica in deployer.Replicas)
        {
            Assert.Equal("ok", (await http.GetStringAsync(new Uri(replica.Url!, "/health"))).Trim());
        }

        var containers = await engine.ContainersAsync(_identity);
        Assert.Equal(2, containers.Count);
        var inspected = await engine.Client.Containers.InspectContainerAsync(deployer.Replicas[0].ContainerId!);
        Assert.Equal("host", inspected.HostConfig!.NetworkMode);
        Assert.True(inspected.HostConfig!.Init);
        Assert.Equal(250_000_000, inspected.HostConfig.NanoCPUs);
        Assert.Equal(64L << 20, inspected.HostConfig.Memory);
        Assert.Equal("unless-stopped", inspected.HostConfig.RestartPolicy!.Name.ToString().ToLowerInvariant().Replace("unlessstopped", "unless-stopped", StringComparison.Ordinal));
        Assert.Equal("web", inspected.Config!.Labels![DockerLabels.Service]);
        Assert.Equal("0", inspected.Config.Labels[DockerLabels.Replica]);
        Assert.Equal(deployer.Replicas[0].Url!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), inspected.Config.Labels[DockerLabels.Port]);
    }

    [Fact]
    public async Task Scales_up_and_down_keeping_the_replicas_below_the_smaller_count()
    {
        var deployer = Deployer();
        await ReconcileAsync(deployer, Web(replicas: 1));
        var first = deployer.Replicas[0].ContainerId;

        await ReconcileAsync(deployer, Web(replicas: 3));
        Assert.Equal(3, (await engine.ContainersAsync(_identity)).Count);
        Assert.Equal(3, _sink.Instances("web").Count);

        await ReconcileAsync(deployer, Web(replicas: 1));
        var left = Assert.Single(await engine.ContainersAsync(_identity));
        Assert.Equal(first, left.ID);
        Assert.Equal(first, Assert.Single(deployer.Replicas).ContainerId);
        Assert.Single(_sink.Instances("web"));
    }

    [Fact]
    public async Task A_restarted_aigis_adopts_its_running_containers_without_duplicates()
    {
        var before = Deployer();
        await ReconcileAsync(before, Web(replicas: 2));
        var ids = before.Replicas.Select(r => r.ContainerId).ToArray();
        var urls = before.Replicas.Select(r => r.Url).ToArray();

        // aigis goes away without stopping its replicas (a crash, a kill, an upgrade).
        await before.DisposeAsync();
        Assert.All(await engine.ContainersAsync(_identity), c => Assert.Equal("running", c.State));

        var after = Deployer();
        await ReconcileAsync(after, Web(replicas: 2));

        Assert.Equal(ids, after.Replicas.Select(r => r.ContainerId));
        Assert.Equal(urls, after.Replicas.Select(r => r.Url));
        Assert.All(after.Replicas, r => Assert.Equal(ReplicaState.Healthy, r.State));
        Assert.Equal(ids.Order(), (await engine.ContainersAsync(_identity)).Select(c => c.ID).Order());
        Assert.Equal(urls, _sink.Instances("web").Select(i => i.Url));
    }

    [Fact]
    public async Task Containers_the_config_no_longer_wants_are_removed_on_adoption_and_others_aigis_are_left_alone()
    {
        var before = Deployer();
        await ReconcileAsync(before, Web(replicas: 2), Web(replicas: 1, name: "old"));
        var kept = before.Replicas.Single(r => r.Name == "web-0").ContainerId;
        await before.DisposeAsync();

        var neighbour = Deployer(identity: _identity + "-other");
        await ReconcileAsync(neighbour, Web(replicas: 1, name: "other"));

        var after = Deployer();
        await ReconcileAsync(after, Web(replicas: 1));

        var left = Assert.Single(await engine.ContainersAsync(_identity));
        Assert.Equal(kept, left.ID);
        Assert.Equal(kept, Assert.Single(after.Replicas).ContainerId);
        Assert.Single(await engine.ContainersAsync(_identity + "-other"));
        await neighbour.StopAsync();
    }

    [Fact]
    public async Task A_changed_template_is_not_adopted_but_replaced()
    {
        var before = Deployer();
        await ReconcileAsync(before, Web(replicas: 1));
        var old = before.Replicas[0].ContainerId;
        await before.DisposeAsync();

        var after = Deployer();
        await ReconcileAsync(after, Web(replicas: 1, greeting: "changed"));

        var left = Assert.Single(await engine.ContainersAsync(_identity));
        Assert.NotEqual(old, left.ID);
        Assert.Equal(left.ID, after.Replicas[0].ContainerId);
        Assert.Equal(ReplicaState.Healthy, after.Replicas[0].State);
    }

    [Fact]
    public async Task A_changed_template_replaces_the_replicas_one_at_a_time()
    {
        var deployer = Deployer();
        await ReconcileAsync(deployer, Web(replicas: 2));
        var old = deployer.Replicas.Select(r => r.ContainerId).ToArray();
        var smallest = int.MaxValue;
        _sink.Published += (service, instances) => smallest = service == "web" ? Math.Min(smallest, instances.Count) : smallest;

        await ReconcileAsync(deployer, Web(replicas: 2, greeting: "v2"));

        Assert.Empty(deployer.Replicas.Select(r => r.ContainerId).Intersect(old));
        Assert.Equal(2, (await engine.ContainersAsync(_identity)).Count);
        Assert.True(smallest >= 1, "the service was left without a healthy replica during the replacement");
        Assert.Equal(2, _sink.Instances("web").Count);
    }

    [Fact]
    public async Task Container_output_is_logged_under_the_replica_name()
    {
        var deployer = Deployer();

        await ReconcileAsync(deployer, Web(replicas: 2, greeting: "hello"));

        await Eventually.TrueAsync(
            () => _logs.Entries.Any(e => e.Message == "[web-1] hello from 1") && _logs.Entries.Any(e => e.Message == "[web-0] hello from 0"),
            s_timeout,
            () => string.Join('\n', _logs.Entries.Select(e => e.Message)));
    }

    [Fact]
    public async Task Stop_stops_and_removes_every_container_and_withdraws_the_instances()
    {
        var deployer = Deployer();
        await ReconcileAsync(deployer, Web(replicas: 2));

        await deployer.StopAsync();

        Assert.Empty(await engine.ContainersAsync(_identity));
        Assert.Empty(_sink.Instances("web"));
        Assert.Empty(deployer.Replicas);
    }

    [Fact]
    public async Task A_container_that_exits_is_restarted_and_published_again()
    {
        var deployer = Deployer();
        await ReconcileAsync(deployer, Web(replicas: 1, restart: DockerRestartPolicy.No));
        var id = deployer.Replicas[0].ContainerId!;

        await engine.Client.Containers.KillContainerAsync(id, new ContainerKillParameters { Signal = "KILL" });

        await Eventually.TrueAsync(() => deployer.Replicas[0] is { State: ReplicaState.Healthy, Restarts: 1 }, s_timeout, () => deployer.Replicas[0].ToString());
        Assert.Equal(id, deployer.Replicas[0].ContainerId);
        Assert.Single(_sink.Instances("web"));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var deployer in _deployers)
        {
            await deployer.StopAsync();
            await deployer.DisposeAsync();
        }
    }

    private DockerDeployer Deployer(string? identity = null)
    {
        engine.RequireEngine();
        var options = new DockerDeployerOptions
        {
            Identity = identity ?? _identity,
            HealthPollInterval = TimeSpan.FromMilliseconds(50),
            Restarts = new ProcessDeployerOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(1) },
        };
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Trace));
        var deployer = new DockerDeployer(_sink, options, engine.Host, TimeProvider.System, loggerFactory);
        _deployers.Add(deployer);
        return deployer;
    }

    private static async Task ReconcileAsync(DockerDeployer deployer, params ServiceConfig[] services)
    {
        using var timeout = new CancellationTokenSource(s_timeout);
        await deployer.ReconcileAsync(new AigisConfig { Services = services }, timeout.Token);
    }

    /// <summary>A busybox httpd serving <c>/health</c> on the port aigis picks; it prints a greeting with its slot first.</summary>
    private static ServiceConfig Web(int replicas, string name = "web", string greeting = "hello", ResourcesConfig? resources = null, DockerRestartPolicy restart = DockerRestartPolicy.UnlessStopped) => new()
    {
        Name = name,
        Runtime = RuntimeKind.Docker,
        Resources = resources ?? new ResourcesConfig(),
        Docker = new DockerConfig
        {
            Image = DockerEngineFixture.TestImage,
            Command = "/bin/busybox",
            Args = ["sh", "-c", $"mkdir -p /www && echo ok > /www/health && echo {greeting} from {{replica}} && exec /bin/busybox httpd -f -p 127.0.0.1:{{port}} -h /www"],
            Replicas = replicas,
            StopTimeout = TimeSpan.FromSeconds(2),
            Restart = restart,
        },
    };

    private sealed class RecordingSink : IDeployedInstanceSink
    {
        private readonly ConcurrentDictionary<string, IReadOnlyList<InstanceConfig>> _instances = new(StringComparer.Ordinal);

        public event Action<string, IReadOnlyList<InstanceConfig>>? Published;

        public IReadOnlyList<InstanceConfig> Instances(string service) => _instances.TryGetValue(service, out var instances) ? instances : [];

        public void SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances)
        {
            _instances[service] = instances;
            Published?.Invoke(service, instances);
        }
    }
}

using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Deployers.Kubernetes;
using Aigis.Tests.Infrastructure;
using k8s;
using Microsoft.Extensions.Logging;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>
/// The Kubernetes deployer through KubernetesClient's real HTTP against <see cref="FakeKubernetesApi"/>, a local
/// server answering the exact requests it makes with the API's response shapes. Not a real cluster: what these
/// tests cannot show (scheduling, probes, the EndpointSlice controller, garbage collection) is listed in the README.
/// </summary>
public sealed class KubernetesDeployerTests : IAsyncLifetime
{
    private const string DeploymentPath = "/apis/apps/v1/namespaces/models/deployments/chat";
    private const string ServicePath = "/api/v1/namespaces/models/services/chat";
    private const string BudgetPath = "/apis/policy/v1/namespaces/models/poddisruptionbudgets/chat";
    private const string AutoscalerPath = "/apis/autoscaling/v2/namespaces/models/horizontalpodautoscalers/chat";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly RecordingSink _sink = new();
    private readonly CapturingLoggerProvider _logs = new();
    private FakeKubernetesApi _api = null!;
    private KubernetesDeployer _deployer = null!;

    public async Task InitializeAsync()
    {
        _api = await FakeKubernetesApi.StartAsync();
        var options = new KubernetesDeployerOptions { WatchInitialBackoff = TimeSpan.FromMilliseconds(20), WatchMaxBackoff = TimeSpan.FromMilliseconds(200) };
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs));
        _deployer = new KubernetesDeployer(_sink, options, Connect, TimeProvider.System, loggerFactory);
    }

    public async Task DisposeAsync()
    {
        await _deployer.DisposeAsync();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Creates_the_deployment_service_and_budget_by_server_side_apply_with_owner_references()
    {
        await _deployer.ReconcileAsync(Config(replicas: 3), CancellationToken.None);

        var patches = Patches();
        Assert.Equal([DeploymentPath, ServicePath, BudgetPath], patches.Select(p => p.Path));
        Assert.All(patches, p =>
        {
            Assert.StartsWith("application/apply-patch+yaml", p.ContentType, StringComparison.Ordinal);
            Assert.Equal(("aigis", "false", "Strict"), (p.Query["fieldManager"], p.Query["force"], p.Query["fieldValidation"]));
        });
        var deployment = _api.Get(DeploymentPath)!;
        Assert.Equal(3, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("aigis", deployment["metadata"]!["labels"]!["app.kubernetes.io/managed-by"]!.GetValue<string>());
        var uid = deployment["metadata"]!["uid"]!.GetValue<string>();
        foreach (var path in new[] { ServicePath, BudgetPath })
        {
            var owner = _api.Get(path)!["metadata"]!["ownerReferences"]![0]!;
            Assert.Equal(("Deployment", "chat", uid), (owner["kind"]!.GetValue<string>(), owner["name"]!.GetValue<string>(), owner["uid"]!.GetValue<string>()));
        }

        // No autoscaler is wanted: one that a previous config left would be deleted (404 here: there was none).
        Assert.Contains(_api.Requests, r => r.Method == "DELETE" && r.Path == AutoscalerPath);
    }

    [Fact]
    public async Task Applying_the_same_config_twice_sends_the_same_bodies_and_changes_nothing_on_the_server()
    {
        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);
        var first = Patches();
        var versions = first.Select(p => _api.Get(p.Path)!["metadata"]!["resourceVersion"]!.GetValue<string>()).ToArray();
        Drain();

        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);

        var second = Patches();
        Assert.Equal(first.Select(p => (p.Path, p.Body)), second.Select(p => (p.Path, p.Body)));
        Assert.Equal(versions, second.Select(p => _api.Get(p.Path)!["metadata"]!["resourceVersion"]!.GetValue<string>()));
        Assert.Equal(1, _api.Get(DeploymentPath)!["metadata"]!["generation"]!.GetValue<long>());
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 462 && e.Message.EndsWith("0 objects changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scaling_patches_only_the_replica_count_of_the_deployment()
    {
        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);
        var before = Patches().ToDictionary(p => p.Path, p => p.Body);
        Drain();

        await _deployer.ReconcileAsync(Config(replicas: 5), CancellationToken.None);

        var after = Patches().ToDictionary(p => p.Path, p => p.Body);
        Assert.Equal(before[ServicePath], after[ServicePath]);
        Assert.Equal(before[BudgetPath], after[BudgetPath]);
        var old = JsonNode.Parse(before[DeploymentPath])!;
        old["spec"]!["replicas"] = 5;
        Assert.True(JsonNode.DeepEquals(old, JsonNode.Parse(after[DeploymentPath])), after[DeploymentPath]);
        var deployment = _api.Get(DeploymentPath)!;
        Assert.Equal((5, 2L), (deployment["spec"]!["replicas"]!.GetValue<int>(), deployment["metadata"]!["generation"]!.GetValue<long>()));
    }

    [Fact]
    public async Task An_autoscaled_service_gets_an_autoscaler_and_leaves_the_replica_count_to_it()
    {
        await _deployer.ReconcileAsync(Config(replicas: 2, autoscale: true), CancellationToken.None);

        Assert.Null(_api.Get(DeploymentPath)!["spec"]!["replicas"]);
        var autoscaler = _api.Get(AutoscalerPath)!;
        Assert.Equal(("Deployment", 6), (autoscaler["spec"]!["scaleTargetRef"]!["kind"]!.GetValue<string>(), autoscaler["spec"]!["maxReplicas"]!.GetValue<int>()));

        // Back to a fixed count: the autoscaler is deleted, and the budget stays for the two pods.
        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);

        Assert.Null(_api.Get(AutoscalerPath));
        Assert.NotNull(_api.Get(BudgetPath));
        Assert.Equal(2, _api.Get(DeploymentPath)!["spec"]!["replicas"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_conflict_with_another_field_manager_is_logged_then_forced()
    {
        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);
        _api.OwnFieldByOtherManager(DeploymentPath, "kubectl-scale", ".spec.replicas");
        Drain();

        await _deployer.ReconcileAsync(Config(replicas: 4), CancellationToken.None);

        var deploymentPatches = Patches().Where(p => p.Path == DeploymentPath).ToArray();
        Assert.Equal(["false", "true"], deploymentPatches.Select(p => p.Query["force"]));
        Assert.Equal(deploymentPatches[0].Body, deploymentPatches[1].Body);
        Assert.Equal(4, _api.Get(DeploymentPath)!["spec"]!["replicas"]!.GetValue<int>());
        var warning = Assert.Single(_logs.Entries, e => e.EventId.Id == 461);
        Assert.Contains(".spec.replicas (conflict with \"kubectl-scale\" using apps/v1)", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Removing_the_service_deletes_its_objects_and_withdraws_its_instances()
    {
        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);
        _api.PutSlice("models", "chat-abcde", "chat", silently: false, ("chat-7d9f-a", "10.1.0.1", true));
        await _sink.WaitForAsync("chat", ["chat-7d9f-a"], s_timeout);

        await _deployer.ReconcileAsync(new AigisConfig(), CancellationToken.None);

        Assert.True(_api.Paths.Count == 0, string.Join("\n", _api.Requests.Select(r => $"{r.Method} {r.Path}").Concat(_logs.Entries.Select(e => e.Message))));
        Assert.Empty(_sink.Current("chat"));
        Assert.Empty(_deployer.Replicas);
    }

    [Fact]
    public async Task Ready_pods_from_endpoint_slices_become_instances_through_a_410_relist()
    {
        _api.PutSlice("models", "chat-abcde", "chat", silently: false, ("chat-7d9f-a", "10.1.0.1", true), ("chat-7d9f-b", "10.1.0.2", false));
        await _deployer.ReconcileAsync(Config(replicas: 2), CancellationToken.None);

        // From the list: only the ready pod is an instance; the other is a starting replica.
        await _sink.WaitForAsync("chat", ["chat-7d9f-a"], s_timeout);
        Assert.Equal(new Uri("http://10.1.0.1:8000"), _sink.Current("chat")[0].Url);
        await Eventually.TrueAsync(() => _api.OpenWatches == 1, s_timeout, () => "the deployer never started watching");

        // From the watch: the second pod turns ready.
        _api.PutSlice("models", "chat-abcde", "chat", silently: false, ("chat-7d9f-a", "10.1.0.1", true), ("chat-7d9f-b", "10.1.0.2", true));
        await _sink.WaitForAsync("chat", ["chat-7d9f-a", "chat-7d9f-b"], s_timeout);

        // A change whose event is lost to compaction, then the watch expires (ERROR, 410 Gone): only a new list shows it.
        _api.PutSlice("models", "chat-fghij", "chat", silently: true, ("chat-7d9f-c", "10.1.0.3", true));
        _api.PutSlice("models", "chat-abcde", "chat", silently: true, ("chat-7d9f-b", "10.1.0.2", true));
        _api.CompactHistory();
        await _sink.WaitForAsync("chat", ["chat-7d9f-b", "chat-7d9f-c"], s_timeout);

        var watches = _api.Requests.Where(r => r.Query.GetValueOrDefault("watch") == "true").ToArray();
        var lists = _api.Requests.Count(r => r.Path.EndsWith("/endpointslices", StringComparison.Ordinal) && r.Query.GetValueOrDefault("watch") != "true");
        Assert.Equal(2, lists);
        Assert.All(watches, w => Assert.Equal("kubernetes.io/service-name=chat", w.Query["labelSelector"]));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 471);

        // After the relist the watch goes on: a deleted slice takes its pod out of rotation.
        await Eventually.TrueAsync(() => _api.OpenWatches == 1, s_timeout, () => "the deployer did not watch again after the relist");
        _api.DeleteSlice("chat-fghij");
        await _sink.WaitForAsync("chat", ["chat-7d9f-b"], s_timeout);
        Assert.Equal([("chat-7d9f-b", ReplicaState.Healthy)], _deployer.Replicas.Select(r => (r.Name, r.State)));
    }

    [Fact]
    public async Task A_failing_api_server_is_retried_with_backoff_and_other_services_still_apply()
    {
        await using var broken = await FakeKubernetesApi.StartAsync();
        var brokenUrl = broken.Url;
        await broken.DisposeAsync();
        var config = Config(replicas: 1) with
        {
            Services =
            [
                .. Config(replicas: 1).Services,
                new ServiceConfig
                {
                    Name = "elsewhere",
                    Runtime = RuntimeKind.Kubernetes,
                    Kubernetes = new KubernetesConfig { Image = "x:1", Cluster = new KubernetesClusterConfig { Context = brokenUrl.ToString() } },
                },
            ],
        };

        await _deployer.ReconcileAsync(config, CancellationToken.None);

        Assert.NotNull(_api.Get(DeploymentPath));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 466 && e.Message.StartsWith("Service elsewhere:", StringComparison.Ordinal));
    }

    private static ClusterConnection Connect(KubernetesClusterConfig cluster, Uri url) =>
        new(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = url.ToString() }), "default");

    /// <summary>The test's clusters: the fake API server, or (a context naming a URL) another address.</summary>
    private ClusterConnection Connect(KubernetesClusterConfig cluster) =>
        Connect(cluster, cluster.Context is { } url ? new Uri(url) : _api.Url);

    private static AigisConfig Config(int replicas, bool autoscale = false) => new()
    {
        Services =
        [
            new ServiceConfig
            {
                Name = "chat",
                Kind = ServiceKind.Llm,
                Models = ["m"],
                Runtime = RuntimeKind.Kubernetes,
                Resources = new ResourcesConfig { CpuMilli = 1000, MemoryBytes = 2L << 30 },
                Kubernetes = new KubernetesConfig
                {
                    Image = "example/server:1",
                    Args = ["--port", "{port}"],
                    Replicas = replicas,
                    Namespace = "models",
                    Autoscale = autoscale ? new KubernetesAutoscaleConfig { MinReplicas = 2, MaxReplicas = 6 } : null,
                },
            },
        ],
    };

    private ApiRequest[] Patches() => [.. _api.Requests.Where(r => r.Method == "PATCH")];

    private void Drain() => _api.Requests.Clear();

    /// <summary>Records what the deployer publishes, per service, and lets a test wait for a set of instance ids.</summary>
    private sealed class RecordingSink : IDeployedInstanceSink
    {
        private readonly ConcurrentDictionary<string, IReadOnlyList<InstanceConfig>> _current = new(StringComparer.Ordinal);

        public void SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances) => _current[service] = instances;

        public IReadOnlyList<InstanceConfig> Current(string service) => _current.GetValueOrDefault(service, []);

        public Task WaitForAsync(string service, string[] ids, TimeSpan timeout) =>
            Eventually.TrueAsync(() => Current(service).Select(i => i.Id).SequenceEqual(ids), timeout,
                () => $"{service} has [{string.Join(", ", Current(service).Select(i => i.Id))}], not [{string.Join(", ", ids)}]");
    }
}

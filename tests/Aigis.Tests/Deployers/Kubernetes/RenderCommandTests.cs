using Aigis.Cli;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>
/// <c>aigis render k8s</c>: golden files for the demo fleet and the Kubernetes example, and what it says about bad input.
/// Set <c>AIGIS_UPDATE_GOLDENS=1</c> to rewrite the goldens from the current output (then review the diff).
/// </summary>
public sealed class RenderCommandTests
{
    [Theory]
    [InlineData("demo.yaml", null, "yaml")]
    [InlineData("demo.json", null, "json")]
    [InlineData("kubernetes-example.yaml", "kubernetes.yaml", "yaml")]
    [InlineData("kubernetes-example.json", "kubernetes.yaml", "json")]
    public async Task Rendered_manifests_match_their_golden_file(string golden, string? example, string format)
    {
        string[] args = example is null ? ["render", "k8s", "-o", format] : ["render", "k8s", "--config", RepositoryFiles.Example(example), "-o", format];

        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.True(exitCode == 0, stderr);
        var path = Path.Combine(RepositoryFiles.Goldens, golden);
        if (Environment.GetEnvironmentVariable("AIGIS_UPDATE_GOLDENS") == "1")
        {
            Directory.CreateDirectory(RepositoryFiles.Goldens);
            await File.WriteAllTextAsync(path, stdout);
        }

        Assert.True(File.Exists(path), $"{path} is missing; run the tests once with AIGIS_UPDATE_GOLDENS=1 to write it");
        Assert.Equal(await File.ReadAllTextAsync(path), stdout);
    }

    [Fact]
    public async Task The_same_config_written_in_another_order_renders_the_same_bytes()
    {
        var first = await RenderTextAsync("""
            services:
              - name: a
                runtime: kubernetes
                resources: {memory: 1Gi, cpu: 500m}
                kubernetes:
                  image: x:1
                  env: {B: "2", A: "1"}
                  labels: {z: "1", y: "2"}
                  nodeSelector: {pool: gpu, zone: a}
                  annotations: {b: "1", a: "2"}
            """);
        var second = await RenderTextAsync("""
            services:
              - name: a
                runtime: kubernetes
                resources: {cpu: 500m, memory: 1Gi}
                kubernetes:
                  annotations: {a: "2", b: "1"}
                  nodeSelector: {zone: a, pool: gpu}
                  labels: {y: "2", z: "1"}
                  env: {A: "1", B: "2"}
                  image: x:1
            """);

        Assert.Equal(first, second);
        Assert.True(first.IndexOf("name: A", StringComparison.Ordinal) < first.IndexOf("name: B", StringComparison.Ordinal), first);
    }

    [Fact]
    public async Task An_autoscaled_deployment_leaves_its_replica_count_to_the_autoscaler()
    {
        var yaml = await RenderTextAsync("""
            services:
              - name: a
                runtime: kubernetes
                resources: {cpu: 1}
                kubernetes: {image: x:1, replicas: 4, autoscale: {minReplicas: 2, maxReplicas: 6}}
            """);

        Assert.DoesNotContain("  replicas:", yaml, StringComparison.Ordinal);
        Assert.Contains("kind: HorizontalPodAutoscaler", yaml, StringComparison.Ordinal);
        Assert.Contains("averageUtilization: 80", yaml, StringComparison.Ordinal);
        Assert.Contains("kind: PodDisruptionBudget", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_single_pod_gets_no_disruption_budget_and_whole_gpus_become_limits()
    {
        var yaml = await RenderTextAsync("""
            services:
              - name: a
                runtime: kubernetes
                resources: {cpu: 2, memory: 8Gi, gpus: 2}
                kubernetes: {image: x:1, extraResources: {example.com/nic: 1}}
            """);

        Assert.DoesNotContain("PodDisruptionBudget", yaml, StringComparison.Ordinal);
        Assert.Contains("limits:\n            example.com/nic: 1\n            memory: 8Gi\n            nvidia.com/gpu: 2\n", yaml, StringComparison.Ordinal);
        Assert.Contains("requests:\n            cpu: 2\n            memory: 8Gi\n", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_with_problems_is_refused_with_each_one_located()
    {
        var path = WriteTemp("services:\n  - name: a\n    runtime: kubernetes\n    resources: {gpus: 1, gpuShare: 0.5}\n    kubernetes: {image: x, port: 0}\n");

        var (exitCode, stdout, stderr) = await RunAsync(["render", "k8s", "--config", path]);

        Assert.Equal(2, exitCode);
        Assert.Empty(stdout);
        Assert.Contains($"{path}:4:", stderr, StringComparison.Ordinal);
        Assert.Contains("gpuShare: Kubernetes cannot limit a container to a share of a GPU", stderr, StringComparison.Ordinal);
        Assert.Contains($"{path}:5:", stderr, StringComparison.Ordinal);
        Assert.Contains("2 problems", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_without_kubernetes_services_has_nothing_to_render()
    {
        var path = WriteTemp("services: [{name: a, instances: [\"http://127.0.0.1:9\"]}]\n");

        var (exitCode, stdout, stderr) = await RunAsync(["render", "k8s", "--config", path]);

        Assert.Equal((2, ""), (exitCode, stdout));
        Assert.Contains("no runtime: kubernetes services to render", stderr, StringComparison.Ordinal);
    }

    internal static async Task<string> RenderTextAsync(string config, string format = "yaml")
    {
        var (exitCode, stdout, stderr) = await RunAsync(["render", "k8s", "--config", WriteTemp(config), "-o", format]);
        Assert.True(exitCode == 0, stderr);
        return stdout;
    }

    internal static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AigisCli.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static string WriteTemp(string yaml)
    {
        var path = Path.Combine(Path.GetTempPath(), $"aigis-render-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}

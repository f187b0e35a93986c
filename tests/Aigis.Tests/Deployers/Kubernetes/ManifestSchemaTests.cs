using System.Text.Json.Nodes;

namespace Aigis.Tests.Deployers.Kubernetes;

/// <summary>
/// Every manifest aigis renders is valid against the Kubernetes OpenAPI schemas (from the npm package
/// kubernetes-models, see <see cref="KubernetesSchemaCheck"/>). No API server checks them here: see the README's
/// Kubernetes section for what was and was not run against a real cluster.
/// </summary>
public sealed class ManifestSchemaTests
{
    /// <summary>A service using every key of the kubernetes section, so every field aigis can write is checked.</summary>
    private const string EveryKey = """
        services:
          - name: everything
            kind: llm
            models: [m]
            runtime: kubernetes
            resources: {cpu: 1500m, memory: 6Gi, gpus: 2, gpuModels: [NVIDIA-A100-SXM4-80GB], maxPerNode: 1}
            kubernetes:
              image: registry.example.com/team/server@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
              imagePullPolicy: Always
              command: [/bin/server]
              args: [--listen, "0.0.0.0:{port}"]
              port: 9000
              healthPath: /ready
              startTimeout: 30m
              stopGracePeriod: 2m
              env: {PORT: "{port}", MODE: fast}
              namespace: models
              serviceAccount: runner
              imagePullSecrets: [registry, backup-registry]
              nodeSelector: {pool: gpu}
              tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}, {key: dedicated, value: ml}]
              labels: {team: ml, example.com/cost-center: "42"}
              annotations: {example.com/note: "free text, with spaces"}
              extraResources: {example.com/fast-nic: 1}
              maxUnavailable: 0
              autoscale: {minReplicas: 2, maxReplicas: 20, targetCpuUtilization: 150}
        """;

    [Theory]
    [InlineData(null)]
    [InlineData("kubernetes.yaml")]
    [InlineData("every-key")]
    public async Task Every_rendered_manifest_is_valid_against_the_kubernetes_schemas(string? source)
    {
        var json = source switch
        {
            null => (await RenderCommandTests.RunAsync(["render", "k8s", "-o", "json"])).Stdout,
            "every-key" => await RenderCommandTests.RenderTextAsync(EveryKey, "json"),
            _ => (await RenderCommandTests.RunAsync(["render", "k8s", "--config", RepositoryFiles.Example(source), "-o", "json"])).Stdout,
        };
        var count = JsonNode.Parse(json)!["items"]!.AsArray().Count;

        var (exitCode, output) = await KubernetesSchemaCheck.ValidateAsync(json);

        Assert.True(exitCode == 0, output);
        Assert.Equal(count, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(line => line.StartsWith("ok ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_schema_check_rejects_a_manifest_the_api_server_would_refuse()
    {
        var list = JsonNode.Parse((await RenderCommandTests.RunAsync(["render", "k8s", "-o", "json"])).Stdout)!;
        var deployment = list["items"]![0]!;
        deployment["spec"]!["replicas"] = "three";
        deployment["spec"]!.AsObject().Remove("selector");

        var (exitCode, output) = await KubernetesSchemaCheck.ValidateAsync(list.ToJsonString());

        Assert.Equal(1, exitCode);
        Assert.Contains("invalid Deployment chat:", output, StringComparison.Ordinal);
        Assert.Contains("replicas must be integer", output, StringComparison.Ordinal);
        Assert.Contains("selector", output, StringComparison.Ordinal);
    }
}

using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>The <c>kubernetes</c> section of a <c>runtime: kubernetes</c> service: bound with every problem by key, and written back the same.</summary>
public sealed class KubernetesConfigTests
{
    private const string Full = """
        services:
          - name: chat
            kind: llm
            models: [llama]
            runtime: kubernetes
            resources: {cpu: 4, memory: 16Gi, gpus: 1, gpuModels: [H100], maxPerNode: 1}
            kubernetes:
              image: vllm/vllm-openai:v0.6.3
              imagePullPolicy: IfNotPresent
              command: [python3, -m, vllm.entrypoints.openai.api_server]
              args: [--port, "{port}", --model, meta-llama/Llama-3-8B]
              replicas: 3
              port: 8001
              healthPath: /healthz
              startTimeout: 20m
              stopGracePeriod: 45s
              env: {HF_HOME: /cache, PORT: "{port}"}
              namespace: models
              serviceAccount: model-runner
              imagePullSecrets: [registry-credentials]
              nodeSelector: {pool: gpu}
              tolerations: [{key: nvidia.com/gpu, operator: Exists, effect: NoSchedule}]
              labels: {team: ml}
              annotations: {prometheus.io/scrape: "true"}
              extraResources: {example.com/fast-nic: 1}
              maxUnavailable: 2
              autoscale: {minReplicas: 2, maxReplicas: 8, targetCpuUtilization: 70}
              cluster: {kubeconfig: /etc/aigis/kubeconfig, context: prod}
        """;

    [Fact]
    public void Every_key_binds_and_the_section_writes_back_the_same()
    {
        var config = Load(Full);

        var service = config.Services[0];
        Assert.Equal(RuntimeKind.Kubernetes, service.Runtime);
        var kubernetes = service.Kubernetes!;
        Assert.Equal("vllm/vllm-openai:v0.6.3", kubernetes.Image);
        Assert.Equal("IfNotPresent", kubernetes.ImagePullPolicy);
        Assert.Equal(["python3", "-m", "vllm.entrypoints.openai.api_server"], kubernetes.Command);
        Assert.Equal(["--port", "{port}", "--model", "meta-llama/Llama-3-8B"], kubernetes.Args);
        Assert.Equal((3, 8001, "/healthz"), (kubernetes.Replicas, kubernetes.Port, kubernetes.HealthPath));
        Assert.Equal((TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(45)), (kubernetes.StartTimeout, kubernetes.StopGracePeriod));
        Assert.Equal("{port}", kubernetes.Env["PORT"]);
        Assert.Equal(("models", "model-runner"), (kubernetes.Namespace, kubernetes.ServiceAccount));
        Assert.Equal(["registry-credentials"], kubernetes.ImagePullSecrets);
        Assert.Equal("gpu", kubernetes.NodeSelector["pool"]);
        Assert.Equal(new KubernetesToleration { Key = "nvidia.com/gpu", Operator = "Exists", Effect = "NoSchedule" }, Assert.Single(kubernetes.Tolerations));
        Assert.Equal("ml", kubernetes.Labels["team"]);
        Assert.Equal("true", kubernetes.Annotations["prometheus.io/scrape"]);
        Assert.Equal(1, kubernetes.ExtraResources["example.com/fast-nic"]);
        Assert.Equal(2, kubernetes.MaxUnavailable);
        Assert.Equal(new KubernetesAutoscaleConfig { MinReplicas = 2, MaxReplicas = 8, TargetCpuUtilization = 70 }, kubernetes.Autoscale);
        Assert.Equal(new KubernetesClusterConfig { Kubeconfig = "/etc/aigis/kubeconfig", Context = "prod" }, kubernetes.Cluster);
        Assert.Null(service.Process);
        Assert.Empty(service.Instances);

        var written = ConfigWriter.ToYaml(config);
        var again = ConfigLoader.LoadText(written, "written.yaml");
        Assert.True(again.IsValid, string.Join('\n', again.Errors) + "\n" + written);
        Assert.Equal(kubernetes, again.Config!.Services[0].Kubernetes);
        Assert.Equal(RuntimeKind.Kubernetes, again.Config.Services[0].Runtime);
        Assert.Equal(written, ConfigWriter.ToYaml(again.Config));
    }

    [Fact]
    public void An_image_alone_is_enough_and_the_defaults_are_documented_values()
    {
        var kubernetes = Load("services:\n  - name: embed\n    runtime: kubernetes\n    kubernetes: {image: example/embed:1}\n").Services[0].Kubernetes!;

        Assert.Equal(new KubernetesConfig { Image = "example/embed:1" }, kubernetes);
        Assert.Equal((1, KubernetesConfig.DefaultPort, "/health", KubernetesConfig.DefaultStartTimeout), (kubernetes.Replicas, kubernetes.Port, kubernetes.HealthPath, kubernetes.StartTimeout));
        Assert.Null(kubernetes.Namespace);
        Assert.True(kubernetes.Cluster.IsDefault);
    }

    [Fact]
    public void Sections_that_differ_in_one_map_entry_are_not_equal()
    {
        var a = new KubernetesConfig { Image = "i", Env = new Dictionary<string, string> { ["A"] = "1" } };
        var b = a with { Env = new Dictionary<string, string> { ["A"] = "2" } };
        var c = a with { Env = new Dictionary<string, string> { ["A"] = "1" } };

        Assert.NotEqual(a, b);
        Assert.Equal(a, c);
    }

    [Theory]
    [InlineData("runtime: kubernetes", "services[a]: runtime: kubernetes needs a 'kubernetes' section")]
    [InlineData("runtime: kubernetes\n    kubernetes: {replicas: 2}", "services[a].kubernetes: a Kubernetes service needs an 'image'")]
    [InlineData("kubernetes: {image: x}", "services[a]: 'kubernetes' applies only to runtime: kubernetes")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x}\n    instances: [{url: \"http://127.0.0.1:1\"}]", "services[a]: 'instances' cannot be combined with runtime: kubernetes")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: \"bad image\"}", "services[a].kubernetes.image: 'bad image' is not an image reference")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, imagePullPolicy: Sometimes}", "services[a].kubernetes.imagePullPolicy: unknown value 'Sometimes'")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, port: 70000}", "services[a].kubernetes.port must be between 1 and 65535")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, replicas: 1001}", "services[a].kubernetes.replicas must be between 0 and 1000")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, namespace: Models}", "services[a].kubernetes.namespace: 'Models' is not a Kubernetes name")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, args: [--seed, \"{replica}\"]}", "services[a].kubernetes.args: \"{replica}\" has no value on Kubernetes")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, labels: {team: \"a b\"}}", "services[a].kubernetes.labels.team: 'a b' is not a label value")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, annotations: {\"-bad\": y}}", "services[a].kubernetes.annotations: '-bad' is not a Kubernetes key")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, extraResources: {gpu: 1}}", "services[a].kubernetes.extraResources: 'gpu' is not an extended resource name")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, extraResources: {nvidia.com/gpu: 1}}", "services[a].kubernetes.extraResources: nvidia.com/gpu comes from resources.gpus")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, tolerations: [{operator: Exists, value: y}]}", "services[a].kubernetes.tolerations[0]: operator: Exists matches a taint by key alone")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, tolerations: [{effect: Sometimes, operator: Exists}]}", "services[a].kubernetes.tolerations[0].effect: unknown value 'Sometimes'")]
    [InlineData("runtime: kubernetes\n    resources: {cpu: 1}\n    kubernetes: {image: x, autoscale: {minReplicas: 3}}", "services[a].kubernetes.autoscale: an autoscaler needs 'maxReplicas'")]
    [InlineData("runtime: kubernetes\n    resources: {cpu: 1}\n    kubernetes: {image: x, autoscale: {minReplicas: 3, maxReplicas: 2}}", "services[a].kubernetes.autoscale: maxReplicas (2) is below minReplicas (3)")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, autoscale: {maxReplicas: 2}}", "services[a].kubernetes.autoscale: the autoscaler targets CPU use as a share of the CPU request")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, cluster: {inCluster: true, context: prod}}", "services[a].kubernetes.cluster: inCluster: true uses the pod's service account")]
    [InlineData("runtime: kubernetes\n    kubernetes: {image: x, cluster: {server: x}}", "unknown key 'server' in services[a].kubernetes.cluster")]
    [InlineData("runtime: kubernetes\n    resources: {gpus: 1, gpuShare: 0.5}\n    kubernetes: {image: x}", "services[a].resources.gpuShare: Kubernetes cannot limit a container to a share of a GPU")]
    [InlineData("runtime: kubernetes\n    resources: {maxPerNode: 2}\n    kubernetes: {image: x}", "services[a].resources.maxPerNode: Kubernetes can keep pods on separate nodes (maxPerNode: 1) but has no rule for at most 2 per node")]
    public void An_invalid_kubernetes_service_is_reported_by_key(string entries, string message)
    {
        var result = ConfigLoader.LoadText($"services:\n  - name: a\n    {entries}\n", "aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_problem_in_one_section_is_reported_at_its_line()
    {
        var result = ConfigLoader.LoadText("""
            services:
              - name: a
                runtime: kubernetes
                kubernetes:
                  image: x
                  port: zero
                  namespace: "N S"
                  imagePullSecrets: [Bad_Name]
            """, "aigis.yaml");

        Assert.Equal([6, 7, 8], result.Errors.Select(e => e.Line));
    }

    [Fact]
    public void A_gpu_share_on_another_runtime_is_still_accepted()
    {
        // The share is a Kubernetes limitation only: the scheduler and the process runtime can place a share.
        Load("services:\n  - name: a\n    resources: {gpus: 1, gpuShare: 0.5}\n    instances: [{url: \"http://127.0.0.1:9000\"}]\n");
    }

    private static AigisConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "aigis.yaml");
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.Config!;
    }
}

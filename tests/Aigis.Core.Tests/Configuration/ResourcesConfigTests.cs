using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>A service's <c>resources</c>: what one replica needs, as Kubernetes writes it, read once for every runtime.</summary>
public sealed class ResourcesConfigTests
{
    [Fact]
    public void Resources_bind_kubernetes_quantities_and_write_back_the_same()
    {
        var config = Load("""
            services:
              - name: chat
                kind: llm
                models: [m]
                resources: {cpu: 1500m, memory: 2Gi, gpus: 1, gpuShare: 0.25, gpuModels: [H100, A100-80GB], maxPerNode: 2}
                instances: [{url: "http://127.0.0.1:9000"}]
            """);

        var resources = config.Services[0].Resources;
        Assert.Equal(new ResourcesConfig { CpuMilli = 1500, MemoryBytes = 2L << 30, Gpus = 1, GpuMilli = 250, GpuModels = ["H100", "A100-80GB"], MaxPerNode = 2 }, resources);
        Assert.Equal(("1500m", "2Gi"), (resources.CpuQuantity, resources.MemoryQuantity));

        var written = ConfigWriter.ToYaml(config);
        var again = ConfigLoader.LoadText(written, "written.yaml");
        Assert.True(again.IsValid, string.Join('\n', again.Errors));
        Assert.Equal(resources, again.Config!.Services[0].Resources);
    }

    [Theory]
    [InlineData("cpu: 2", 2000, 0)]
    [InlineData("cpu: 0.5", 500, 0)]
    [InlineData("memory: 512Mi", 0, 512L << 20)]
    [InlineData("memory: 1GiB", 0, 1L << 30)]
    [InlineData("memory: 10MB", 0, 10_000_000)]
    public void Cpu_and_memory_accept_each_common_spelling(string entry, int cpuMilli, long memoryBytes)
    {
        var config = Load($"services:\n  - name: a\n    resources: {{{entry}}}\n    instances: [{{url: \"http://127.0.0.1:9000\"}}]\n");

        Assert.Equal((cpuMilli, memoryBytes), (config.Services[0].Resources.CpuMilli, config.Services[0].Resources.MemoryBytes));
    }

    [Fact]
    public void A_service_without_resources_declares_none()
    {
        var config = Load("services:\n  - name: a\n    instances: [{url: \"http://127.0.0.1:9000\"}]\n");

        Assert.True(config.Services[0].Resources.IsEmpty);
        Assert.DoesNotContain("resources", ConfigWriter.ToYaml(config), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cpu: two", "services[a].resources.cpu: 'two' is not a CPU amount")]
    [InlineData("cpu: 0.0005", "services[a].resources.cpu: '0.0005' must be whole millicores")]
    [InlineData("memory: 2 bananas", "services[a].resources.memory: '2 bananas' has an unknown unit")]
    [InlineData("gpus: 2, gpuShare: 0.5", "services[a].resources.gpuShare: a share of a GPU needs gpus: 1")]
    [InlineData("gpus: 99", "services[a].resources.gpus must be between 0 and 32")]
    [InlineData("gpu: 1", "unknown key 'gpu' in services[a].resources")]
    public void An_invalid_resources_section_is_reported_by_key(string entry, string message)
    {
        var result = ConfigLoader.LoadText($"services:\n  - name: a\n    resources: {{{entry}}}\n    instances: [{{url: \"http://127.0.0.1:9000\"}}]\n", "aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    private static AigisConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "aigis.yaml");
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.Config!;
    }
}

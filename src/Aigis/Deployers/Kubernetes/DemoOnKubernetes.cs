using Aigis.Core.Configuration;

namespace Aigis.Deployers.Kubernetes;

/// <summary>
/// The embedded demo fleet as it would run on Kubernetes: each <c>runtime: process</c> service of aigis-sim becomes a
/// <c>runtime: kubernetes</c> one running the image <see cref="SimulatorImage"/>, what <c>aigis render k8s</c> prints
/// with no config.
/// </summary>
/// <remarks>
/// The image is not published anywhere: build it from a self-contained publish of src/Aigis.Sim with <c>aigis-sim</c>
/// as its entrypoint (README, "Kubernetes"). Two things change on the way: the simulator listens on all addresses
/// (<c>--host 0.0.0.0</c>; a pod's loopback is unreachable from the Service), and per-replica seeds
/// (<c>{replica}</c>) become seed 0, since a Deployment's pods are interchangeable and have no index.
/// </remarks>
internal static class DemoOnKubernetes
{
    public const string SimulatorImage = "aigis-sim:latest";

    public static AigisConfig Convert(AigisConfig config) => config with
    {
        Services = config.Services.Select(Convert).ToArray(),
    };

    private static ServiceConfig Convert(ServiceConfig service)
    {
        if (service.Process is not { Command: ProcessConfig.SimulatorCommand } process)
        {
            return service;
        }

        string[] args = [.. process.Args.Select(a => a.Replace(ProcessConfig.ReplicaPlaceholder, "0", StringComparison.Ordinal)), "--host", "0.0.0.0"];
        return service with
        {
            Runtime = RuntimeKind.Kubernetes,
            Process = null,
            Kubernetes = new KubernetesConfig
            {
                Image = SimulatorImage,
                // A locally built image: never pulled while the node has it.
                ImagePullPolicy = "IfNotPresent",
                Args = args,
                Replicas = process.Replicas,
                HealthPath = process.HealthPath,
                StartTimeout = KubernetesConfig.MinStartTimeout > process.StartTimeout ? KubernetesConfig.MinStartTimeout : process.StartTimeout,
                Env = process.Env.ToDictionary(pair => pair.Key, pair => pair.Value.Replace(ProcessConfig.ReplicaPlaceholder, "0", StringComparison.Ordinal), StringComparer.Ordinal),
            },
        };
    }
}

using Aigis.Core.Configuration;
using Docker.DotNet.Models;

namespace Aigis.Deployers.Docker;

/// <summary>Turns a service's <c>docker</c> and <c>resources</c> sections into the engine's create request for one replica.</summary>
internal static class ContainerSpec
{
    public static CreateContainerParameters For(string identity, string service, int replica, int port, DockerConfig docker, ResourcesConfig resources)
    {
        string Expand(string value) => ReplicaCommand.ExpandPlaceholders(value, replica, port);
        var template = DockerLabels.TemplateOf(docker, resources);
        return new CreateContainerParameters
        {
            // The port makes the name unique among live containers: two cannot listen on one port of the host's network.
            Name = $"aigis-{service}-{replica}-{port}",
            Image = docker.Image,
            Entrypoint = docker.Command is { } command ? [command] : null,
            Cmd = docker.Args.Select(Expand).ToList(),
            Env = docker.Env.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={Expand(pair.Value)}").ToList(),
            Labels = DockerLabels.For(identity, service, replica, port, template),
            StopTimeout = docker.StopTimeout,
            HostConfig = new HostConfig
            {
                // Only host networking exists on the engines aigis targets (no bridge, `-p` ignored): the server inside
                // binds 127.0.0.1:{port}, which is then the host's loopback port.
                NetworkMode = "host",

                // An init as PID 1 passes SIGTERM on, so a stop is graceful instead of waiting out the timeout.
                Init = true,
                RestartPolicy = new global::Docker.DotNet.Models.RestartPolicy { Name = RestartKind(docker.Restart) },
                NanoCPUs = resources.CpuMilli * 1_000_000L,
                Memory = resources.MemoryBytes,
                DeviceRequests = resources.Gpus > 0
                    ? [new DeviceRequest { Driver = "nvidia", Count = resources.Gpus, Capabilities = [["gpu"]] }]
                    : null,
            },
        };
    }

    private static RestartPolicyKind RestartKind(DockerRestartPolicy policy) => policy switch
    {
        DockerRestartPolicy.No => RestartPolicyKind.No,
        DockerRestartPolicy.OnFailure => RestartPolicyKind.OnFailure,
        DockerRestartPolicy.Always => RestartPolicyKind.Always,
        _ => RestartPolicyKind.UnlessStopped,
    };
}

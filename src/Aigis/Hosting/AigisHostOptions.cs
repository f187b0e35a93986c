using Microsoft.Extensions.Logging;

namespace Aigis.Hosting;

/// <summary>How to run the host, beyond what the config file says.</summary>
internal sealed record AigisHostOptions
{
    /// <summary>The config file to watch for hot reload; null when the config did not come from a file.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>Overrides of file values (<c>AIGIS__*</c> variables, command-line flags), re-read at each reload.</summary>
    public Func<IEnumerable<Core.Configuration.ConfigOverride>> Overrides { get; init; } = Core.Configuration.ConfigOverride.FromProcessEnvironment;

    public ILoggerFactory? LoggerFactory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the balancers' random generators come from; tests pass seeded ones.</summary>
    public Func<Random> RandomFactory { get; init; } = static () => new Random();

    /// <summary>How long shutdown waits for in-flight requests and streams before cutting them; null: <c>gateway.shutdownTimeout</c>.</summary>
    public TimeSpan? ShutdownTimeout { get; init; }

    /// <summary>Where <c>telemetry.accessLog: stdout</c> writes; null for the process's standard output.</summary>
    public Stream? StandardOutput { get; init; }

    /// <summary>How replicas of <c>runtime: process</c> services are supervised.</summary>
    public Deployers.ProcessDeployerOptions ProcessDeployer { get; init; } = new();

    /// <summary>How the deployer of <c>runtime: kubernetes</c> services watches its clusters.</summary>
    public Deployers.Kubernetes.KubernetesDeployerOptions KubernetesDeployer { get; init; } = new();

    /// <summary>How a service's <c>kubernetes.cluster</c> becomes a client; tests point it at a local API server.</summary>
    public Func<Core.Configuration.KubernetesClusterConfig, Deployers.Kubernetes.ClusterConnection> KubernetesConnect { get; init; } = Deployers.Kubernetes.ClusterConnection.Connect;

    /// <summary>How containers of <c>runtime: docker</c> services are run; null: defaults, labelled with the store's identity.</summary>
    public Deployers.Docker.DockerDeployerOptions? DockerDeployer { get; init; }
}

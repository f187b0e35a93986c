using Docker.DotNet;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Docker;

/// <summary>What every container replica of a Docker deployer shares: the engine, options, clock, health probe and log.</summary>
internal sealed record DockerEnvironment(DockerClient Client, DockerDeployerOptions Options, TimeProvider TimeProvider, HealthProbe HealthProbe, ILogger Logger);

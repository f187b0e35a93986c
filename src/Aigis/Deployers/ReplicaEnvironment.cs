using Microsoft.Extensions.Logging;

namespace Aigis.Deployers;

/// <summary>What every replica of a deployer shares: options, clock, health probe and log.</summary>
internal sealed record ReplicaEnvironment(ProcessDeployerOptions Options, TimeProvider TimeProvider, HealthProbe HealthProbe, ILogger Logger);

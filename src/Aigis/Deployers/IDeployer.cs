using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>
/// Runs the replicas of the services of one <see cref="RuntimeKind"/> and publishes the healthy ones as their
/// instances. Every runtime (process, Docker, Kubernetes) implements this one interface.
/// </summary>
internal interface IDeployer : IAsyncDisposable
{
    RuntimeKind Runtime { get; }

    /// <summary>
    /// Brings what runs in line with <paramref name="config"/>: starts the replicas of new services, scales or
    /// replaces those of changed ones, stops those of removed ones. Completes when each replica it started has
    /// passed its first health check or failed its first start. Safe to call concurrently: the last config wins.
    /// </summary>
    Task ReconcileAsync(AigisConfig config, CancellationToken cancellationToken);

    /// <summary>Every replica this deployer runs, as the admin API shows them.</summary>
    IReadOnlyList<ReplicaStatus> Replicas { get; }

    /// <summary>Stops every replica and refuses further reconciles.</summary>
    Task StopAsync();
}

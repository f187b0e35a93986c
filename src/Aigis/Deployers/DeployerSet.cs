using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>
/// The deployers of every runtime a host runs, seen as one: each reconcile goes to all of them (each picks out the
/// services of its runtime), and the replica list is theirs together.
/// </summary>
internal sealed class DeployerSet(IReadOnlyList<IDeployer> deployers) : IDeployer
{
    /// <summary>The first deployer's runtime: the process runtime, the embedded default.</summary>
    public RuntimeKind Runtime => deployers[0].Runtime;

    public IReadOnlyList<IDeployer> Deployers => deployers;

    public IReadOnlyList<ReplicaStatus> Replicas => deployers.SelectMany(d => d.Replicas).ToArray();

    /// <summary>Reconciles every runtime side by side; a runtime that fails (an engine that does not answer) does not hold up the others.</summary>
    public Task ReconcileAsync(AigisConfig config, CancellationToken cancellationToken) =>
        Task.WhenAll(deployers.Select(d => d.ReconcileAsync(config, cancellationToken)));

    public Task StopAsync() => Task.WhenAll(deployers.Select(d => d.StopAsync()));

    public async ValueTask DisposeAsync()
    {
        foreach (var deployer in deployers)
        {
            await deployer.DisposeAsync();
        }
    }
}

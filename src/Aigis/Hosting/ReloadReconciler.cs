using Aigis.Core.Configuration;
using Aigis.Deployers;

namespace Aigis.Hosting;

/// <summary>
/// Brings the replicas in line with each applied reload, in the background: the config watcher must not wait for
/// processes to start. Keeps the reconciles in flight so a stop can wait for them.
/// </summary>
/// <param name="effective">The config the deployer runs for a loaded one: the file with the rollouts in force laid over it.</param>
internal sealed class ReloadReconciler(IDeployer deployer, Func<AigisConfig, AigisConfig> effective)
{
    private readonly List<Task> _pending = [];

    public void OnConfigApplied(AigisConfig config)
    {
        lock (_pending)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            // Off the watcher's thread: starting processes is not the watcher's work to wait for.
            _pending.Add(Task.Run(() => ReconcileAsync(config)));
        }
    }

    public async Task WaitAsync()
    {
        Task[] pending;
        lock (_pending)
        {
            pending = [.. _pending];
        }

        await Task.WhenAll(pending);
    }

    private async Task ReconcileAsync(AigisConfig config)
    {
        try
        {
            await deployer.ReconcileAsync(effective(config), CancellationToken.None);
        }
        catch (OperationCanceledException)
        {
            // Shutting down: the deployer stops every replica anyway.
        }
        catch (Deployers.Docker.DockerEngineUnavailableException)
        {
            // Logged by the Docker deployer, which tries again at the next reload; the other runtimes were reconciled.
        }
    }
}

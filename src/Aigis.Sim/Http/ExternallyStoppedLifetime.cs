namespace Aigis.Sim.Http;

/// <summary>A host lifetime that leaves signals alone.</summary>
/// <remarks>
/// The default console lifetime would hook Ctrl-C and SIGTERM for every in-process server, inside
/// test runners too. The simulator is stopped by disposing it; the command line turns signals into that.
/// </remarks>
internal sealed class ExternallyStoppedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Hosting;

namespace Aigis.Hosting;

/// <summary>
/// A background loop of the control plane (health probes, metric scrapes, alert evaluation and delivery) as a
/// hosted service: constructing one starts nothing; <see cref="BackgroundService.StartAsync"/> starts it,
/// <see cref="BackgroundService.StopAsync"/> cancels it and waits for it to end, and the host decides when each
/// runs. <see cref="DisposeAsync"/> is stop-then-dispose, for owners (and tests) that hold one with <c>await using</c>.
/// </summary>
internal abstract class ControlLoop : BackgroundService, IAsyncDisposable
{
    private int _disposed;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await BeforeStopAsync();
        await StopAsync(CancellationToken.None);
        Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>What must happen before the loop is cancelled (a queue closed so the loop drains it and ends).</summary>
    protected virtual ValueTask BeforeStopAsync() => ValueTask.CompletedTask;
}

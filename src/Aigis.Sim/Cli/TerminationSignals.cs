using System.Runtime.InteropServices;

namespace Aigis.Sim.Cli;

/// <summary>Turns Ctrl-C (SIGINT) and SIGTERM into a cancellation, for as long as it is not disposed.</summary>
/// <remarks>
/// System.CommandLine can do this too, but it registers its handlers only after the action has
/// started; a launcher that sends SIGTERM right after reading the "listening" line could then kill
/// the process outright. These handlers are in place before the server starts.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;

    public TerminationSignals(CancellationToken alsoStopOn)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(alsoStopOn);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive: the server stops and Main returns the exit code.
        context.Cancel = true;
        _stop.Cancel();
    }
}

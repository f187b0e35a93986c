namespace Aigis.Sim.Faults;

/// <summary>Ends the simulator abruptly, as a crash: the process exits with code 1, or an in-process server dies.</summary>
/// <remarks>
/// Connections are dropped first, so streams in flight are cut, never finished. Out of process,
/// <c>exitProcess</c> exits (aigis-sim passes Environment.Exit(1)); in process (tests, the gateway's
/// tests) exiting would kill the host, so the server stops instead, with every connection already gone.
/// </remarks>
internal sealed partial class SimulatedCrash
{
    private readonly OpenConnections _connections;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly Action<string>? _exitProcess;
    private readonly ILogger _logger;
    private int _crashed;

    public SimulatedCrash(OpenConnections connections, IHostApplicationLifetime lifetime, Action<string>? exitProcess, ILogger logger)
    {
        _connections = connections;
        _lifetime = lifetime;
        _exitProcess = exitProcess;
        _logger = logger;
    }

    /// <summary>Crashes once; later calls do nothing.</summary>
    public void Crash(string reason)
    {
        if (Interlocked.Exchange(ref _crashed, 1) == 1)
        {
            return;
        }

        _connections.DropAll();
        if (_exitProcess is not null)
        {
            _exitProcess(reason);
            return;
        }

        Log.CrashedInProcess(_logger, reason);
        _lifetime.StopApplication();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "aigis-sim crashed on purpose: {Reason}. Connections were dropped and the server stops.")]
        public static partial void CrashedInProcess(ILogger logger, string reason);
    }
}

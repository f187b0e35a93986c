using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Aigis.Deployers;

/// <summary>
/// One running process of a replica: the command under its <see cref="SupervisorScript"/>, its output going to the
/// aigis log line by line under the replica's name. Disposing it stops the process.
/// </summary>
internal sealed partial class ReplicaProcess : IAsyncDisposable
{
    // Past the grace period the supervisor has already sent SIGKILL; this margin only covers a supervisor that is itself stuck.
    private static readonly TimeSpan s_supervisorMargin = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly string _name;
    private readonly TimeSpan _gracePeriod;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _commandPid = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _stopped;
    private int _lifelineClosed;

    private ReplicaProcess(Process process, string name, TimeSpan gracePeriod, TimeProvider timeProvider, ILogger logger)
    {
        _process = process;
        _name = name;
        _gracePeriod = gracePeriod;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The supervisor's pid; the command's is <see cref="CommandPid"/>.</summary>
    public int SupervisorPid { get; private set; }

    /// <summary>The command's pid, as its supervisor announced it (the first line it prints).</summary>
    public Task<int> CommandPid => _commandPid.Task;

    /// <summary>Completes with the command's exit status when its supervisor has exited (128 + N when killed by signal N).</summary>
    public Task<int> Exited => _exited.Task;

    /// <summary>Starts <paramref name="launch"/> under the supervisor; a failure to start is a value, since it depends on the machine.</summary>
    public static (ReplicaProcess? Process, string? Error) Start(string name, ReplicaLaunch launch, TimeSpan gracePeriod, TimeProvider timeProvider, ILogger logger)
    {
        var process = new Process { StartInfo = SupervisorScript.StartInfo(name, launch, gracePeriod), EnableRaisingEvents = true };
        var replica = new ReplicaProcess(process, name, gracePeriod, timeProvider, logger);
        process.OutputDataReceived += (_, e) => replica.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => replica.OnError(e.Data);
        process.Exited += (_, _) => replica.OnExited();
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or IOException)
        {
            process.Dispose();
            return (null, $"cannot start /bin/sh to supervise the replica: {e.Message}");
        }

        replica.SupervisorPid = process.Id;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (replica, null);
    }

    /// <summary>
    /// Stops the process: closes its lifeline pipe, so the supervisor sends SIGTERM to the command's group and
    /// SIGKILL after the grace period; waits for that, and kills the whole tree if even the supervisor does not end.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            await _exited.Task;
            return;
        }

        CloseLifeline();

        if (_exited.Task.IsCompleted)
        {
            return;
        }

        try
        {
            await _exited.Task.WaitAsync(_gracePeriod + s_supervisorMargin, _timeProvider);
        }
        catch (TimeoutException)
        {
            Log.SupervisorKilled(_logger, _name, SupervisorPid);
            _process.Kill(entireProcessTree: true);
            await _exited.Task;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (!_commandPid.Task.IsCompleted && line.StartsWith(SupervisorScript.PidAnnouncement, StringComparison.Ordinal) &&
            int.TryParse(line.AsSpan(SupervisorScript.PidAnnouncement.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
        {
            _commandPid.TrySetResult(pid);
            return;
        }

        Log.Output(_logger, _name, line);
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            Log.ErrorOutput(_logger, _name, line);
        }
    }

    /// <summary>
    /// Closes the pipe whose end-of-file stops the command. Done on every stop, and as soon as the supervisor exits:
    /// if it was killed, its reader still holds the pipe and the command may still run (the parent-death signal
    /// misses a command killed before <c>setpriv</c> set it), and the end-of-file is what stops them.
    /// </summary>
    private void CloseLifeline()
    {
        if (Interlocked.Exchange(ref _lifelineClosed, 1) == 1)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Nobody reads the pipe any more: everything that could be stopped through it is gone.
        }
    }

    private void OnExited()
    {
        CloseLifeline();

        // The announcement may never come if the supervisor itself was killed at once.
        _commandPid.TrySetResult(0);
        _exited.TrySetResult(_process.ExitCode);
    }

    private static partial class Log
    {
        [LoggerMessage(110, LogLevel.Information, "[{Replica}] {Line}")]
        public static partial void Output(ILogger logger, string replica, string line);

        [LoggerMessage(111, LogLevel.Warning, "[{Replica}] {Line}")]
        public static partial void ErrorOutput(ILogger logger, string replica, string line);

        [LoggerMessage(112, LogLevel.Error, "Replica {Replica}: its supervisor (pid {SupervisorPid}) did not exit after the grace period; killed its process tree")]
        public static partial void SupervisorKilled(ILogger logger, string replica, int supervisorPid);
    }
}

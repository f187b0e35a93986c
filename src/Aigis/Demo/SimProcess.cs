using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Aigis.Demo;

/// <summary>
/// One <c>aigis-sim</c> child process. It binds a free port itself and announces it on stdout;
/// we wait for that line, so there is no race between choosing a port and binding it.
/// </summary>
internal sealed partial class SimProcess : IAsyncDisposable
{
    private const string ReadyPrefix = "aigis-sim listening on ";
    private readonly Process _process;
    private readonly ILogger _logger;

    private SimProcess(Process process, string name, Uri url, ILogger logger)
    {
        _process = process;
        Name = name;
        Url = url;
        _logger = logger;
    }

    public string Name { get; }

    public Uri Url { get; }

    public int ProcessId => _process.Id;

    /// <summary>The simulator's entry assembly, built beside <c>aigis</c> (the project references it).</summary>
    public static string SimulatorPath => Path.Combine(AppContext.BaseDirectory, "aigis-sim.dll");

    public static async Task<SimProcess> StartAsync(string name, IEnumerable<string> args, ILogger logger, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        if (!File.Exists(SimulatorPath))
        {
            throw new FileNotFoundException($"aigis-sim was not found beside aigis (expected {SimulatorPath}); build the solution first");
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SimulatorPath);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line && line.StartsWith(ReadyPrefix, StringComparison.Ordinal) && Uri.TryCreate(line[ReadyPrefix.Length..].Trim(), UriKind.Absolute, out var url))
            {
                ready.TrySetResult(url);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Log.SimulatorOutput(logger, name, line);
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"aigis-sim '{name}' exited with code {process.ExitCode} before it was ready"));

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var url = await ready.Task.WaitAsync(readyTimeout, cancellationToken);
            Log.Started(logger, name, process.Id, url);
            return new SimProcess(process, name, url, logger);
        }
        catch
        {
            Stop(process, TimeSpan.FromSeconds(2));
            process.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        Stop(_process, TimeSpan.FromSeconds(5));
        Log.Stopped(_logger, Name, _process.Id);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>SIGTERM first so the simulator shuts down cleanly; SIGKILL if it has not gone by the deadline.</summary>
    private static void Stop(Process process, TimeSpan grace)
    {
        if (process.HasExited)
        {
            return;
        }

        try
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            if (!process.WaitForExit(grace))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the signal.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(40, LogLevel.Information, "Started aigis-sim {Name} (pid {ProcessId}) at {Url}")]
        public static partial void Started(ILogger logger, string name, int processId, Uri url);

        [LoggerMessage(41, LogLevel.Information, "Stopped aigis-sim {Name} (pid {ProcessId})")]
        public static partial void Stopped(ILogger logger, string name, int processId);

        [LoggerMessage(42, LogLevel.Warning, "aigis-sim {Name}: {Line}")]
        public static partial void SimulatorOutput(ILogger logger, string name, string line);
    }
}

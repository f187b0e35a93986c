using System.CommandLine;
using System.Net.Sockets;
using Aigis.Sim.Http;

namespace Aigis.Sim.Cli;

/// <summary>Runs aigis-sim from its arguments until Ctrl-C or SIGTERM.</summary>
internal static class SimProgram
{
    /// <summary>Exit code for a bad command line.</summary>
    public const int UsageErrorExitCode = 2;

    /// <summary>Exit code when the server cannot start (address in use, permission denied).</summary>
    public const int StartFailureExitCode = 1;

    /// <summary>Exit code of a crash on purpose (fault crash_after): a runtime failure, as a real crash would look to a supervisor.</summary>
    public const int CrashExitCode = 1;

    /// <summary>Parses <paramref name="args"/> and serves until cancelled; returns the process exit code.</summary>
    /// <remarks>Once listening, writes exactly one line to <paramref name="output"/>: <c>aigis-sim listening on http://HOST:PORT</c>.</remarks>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var commandLine = new SimCommandLine();
        commandLine.Root.SetAction((parse, cancellationToken) => ServeAsync(commandLine.Bind(parse), output, error, cancellationToken));
        var parse = commandLine.Root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            await WriteUsageErrorAsync(error, parse.Errors.Select(parseError => parseError.Message));
            return UsageErrorExitCode;
        }

        // Signals are handled by TerminationSignals, registered before the server starts.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await parse.InvokeAsync(invocation);
    }

    private static async Task<int> ServeAsync(SimOptions options, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var problems = SimOptionsValidation.Validate(options);
        if (problems.Count > 0)
        {
            await WriteUsageErrorAsync(error, problems);
            return UsageErrorExitCode;
        }

        using var signals = new TerminationSignals(cancellationToken);
        RunningSimServer server;
        try
        {
            server = await SimServer.StartAsync(options, signals.Token, exitProcess: reason => Crash(error, reason));
        }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            // Stopped before it was listening.
            return 0;
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            // Binding is the one step the environment can make fail; say so in one line, without a stack trace.
            await error.WriteLineAsync($"aigis-sim: cannot listen on {options.Host}:{options.Port}: {exception.Message}");
            return StartFailureExitCode;
        }

        await using (server)
        {
            await output.WriteLineAsync($"aigis-sim listening on {server.ListeningAddress}");
            await output.FlushAsync(signals.Token);
            await server.WaitForShutdownAsync(signals.Token);
        }

        return 0;
    }

    /// <summary>Says why in one line, then exits at once: no graceful shutdown, so streams in flight are cut.</summary>
    private static void Crash(TextWriter error, string reason)
    {
        error.WriteLine($"aigis-sim: crashed on purpose: {reason}.");
        error.Flush();
        Environment.Exit(CrashExitCode);
    }

    /// <summary>Writes every problem on one line, so launchers and people see the whole reason at once.</summary>
    private static Task WriteUsageErrorAsync(TextWriter error, IEnumerable<string> problems)
    {
        var text = string.Join(" ", problems).ReplaceLineEndings(" ").Replace('\t', ' ');
        return error.WriteLineAsync($"aigis-sim: {text} (see aigis-sim --help)");
    }
}

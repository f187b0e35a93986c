using System.CommandLine;
using System.Reflection;

namespace Aigis.Cli;

/// <summary>The <c>aigis</c> command line.</summary>
internal static class AigisCli
{
    public static string Version { get; } =
        typeof(AigisCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Aigis: a governance gateway and control plane for AI model services.")
        {
            UpCommand.Create(output, error),
            ValidateCommand.Create(output, error),
            BenchCommand.Create(output, error),
            KeysCommand.Create(output, error),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
            {
                error.WriteLine($"aigis: {problem.Message}");
            }

            error.WriteLine("Run 'aigis --help' for usage.");
            return ExitCodes.BadInput;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,

            // Leave time for a graceful drain (30s) and the replicas' stop (10s grace) after Ctrl-C or SIGTERM
            // before the process is torn down; replicas' supervisors stop them even then, when their pipe closes.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(45),
        };
        return await parse.InvokeAsync(invocation);
    }
}

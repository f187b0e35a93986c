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
            TenantsCommand.Create(output, error),
            ContextCommand.Create(output, error),
            GetCommand.Create(output, error),
            DescribeCommand.Create(output, error),
            AuditCommand.Create(output, error),
            ConfigCommand.Create(output, error),
            LimitsCommand.Create(output, error),
            RenderCommand.Create(output, error),
            ImageCommand.Create(output, error),
            DeployCommand.Create(output, error),
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

        if (parse.CommandResult.Command.Name == "up")
        {
            // `up` takes Ctrl-C and SIGTERM itself, from before its action starts: System.CommandLine registers its
            // handlers only once the action runs, so a SIGTERM in that window (an orchestrator stopping a pod that
            // is still starting) killed the process outright, exit 143, instead of draining. The drain and the
            // replicas' stop are bounded by their own timeouts; replicas' supervisors stop them if aigis dies.
            using var signals = new Aigis.Sim.Cli.TerminationSignals(CancellationToken.None);
            return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null }, signals.Token);
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}

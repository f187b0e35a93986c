using System.Globalization;
using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>Turns a <see cref="ProcessConfig"/> into the launch of one replica: placeholders expanded, command found.</summary>
internal static class ReplicaCommand
{
    /// <summary>The simulator's entry assembly, built beside aigis (the project references it).</summary>
    public static string SimulatorPath => Path.Combine(AppContext.BaseDirectory, "aigis-sim.dll");

    /// <summary>The launch, or why there can be none (the command cannot be found): a value, since it depends on the machine.</summary>
    public static (ReplicaLaunch? Launch, string? Error) Resolve(ProcessConfig process, int replica, int port)
    {
        string Expand(string value) => ExpandPlaceholders(value, replica, port);

        var arguments = process.Args.Select(Expand).ToList();
        var environment = process.Env.ToDictionary(pair => pair.Key, pair => Expand(pair.Value), StringComparer.Ordinal);

        if (process.Command == ProcessConfig.SimulatorCommand)
        {
            if (!File.Exists(SimulatorPath))
            {
                return (null, $"aigis-sim was not found beside aigis (expected {SimulatorPath}); build the solution first");
            }

            arguments.Insert(0, SimulatorPath);
            return (new ReplicaLaunch(DotnetHost(), arguments, environment), null);
        }

        var path = environment.TryGetValue("PATH", out var replicaPath) ? replicaPath : Environment.GetEnvironmentVariable("PATH") ?? "";
        return Find(process.Command, path) is { } file
            ? (new ReplicaLaunch(file, arguments, environment), null)
            : (null, process.Command.Contains('/', StringComparison.Ordinal)
                ? $"command '{process.Command}' does not exist"
                : $"command '{process.Command}' was not found on PATH");
    }

    /// <summary>Expands <c>{port}</c> and <c>{replica}</c> in an argument or environment value (every runtime's).</summary>
    public static string ExpandPlaceholders(string value, int replica, int port) => value
        .Replace(ProcessConfig.PortPlaceholder, port.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal)
        .Replace(ProcessConfig.ReplicaPlaceholder, replica.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>The <c>dotnet</c> host aigis itself runs under when started as <c>dotnet aigis.dll</c>, else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";

    private static string? Find(string command, string path)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            var full = Path.GetFullPath(command);
            return File.Exists(full) ? full : null;
        }

        foreach (var directory in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, command);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}

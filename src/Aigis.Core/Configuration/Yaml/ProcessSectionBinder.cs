using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>process</c> section of a <c>runtime: process</c> service.</summary>
internal static class ProcessSectionBinder
{
    public static readonly string[] Keys = ["command", "args", "replicas", "healthPath", "startTimeout", "env"];

    public static ProcessConfig? Bind(YamlNode node, string servicePath, ConfigReadContext context)
    {
        var path = $"{servicePath}.process";
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        string? command = null;
        var commandSeen = false;
        var config = new ProcessConfig { Command = "" };
        YamlNode? argsNode = null;
        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            switch (key)
            {
                case "command":
                    commandSeen = true;
                    command = Command(value, $"{path}.command", context);
                    break;
                case "args":
                    argsNode = value;
                    config = config with { Args = Args(value, $"{path}.args", context) };
                    break;
                case "replicas":
                    config = config with { Replicas = context.Integer(value, $"{path}.replicas", ProcessConfig.MinReplicas, ProcessConfig.MaxReplicas) ?? config.Replicas };
                    break;
                case "healthPath":
                    config = config with { HealthPath = HealthPath(value, $"{path}.healthPath", context) ?? config.HealthPath };
                    break;
                case "startTimeout":
                    config = config with { StartTimeout = context.Duration(value, $"{path}.startTimeout", ProcessConfig.MinStartTimeout, ProcessConfig.MaxStartTimeout) ?? config.StartTimeout };
                    break;
                case "env":
                    config = config with { Env = Env(value, $"{path}.env", context) };
                    break;
            }
        }

        if (!commandSeen)
        {
            context.Error(map, $"{path}: a process needs a 'command' (an executable on PATH, a path, or {ProcessConfig.SimulatorCommand})");
            return null;
        }

        if (command is null)
        {
            return null;
        }

        // Each replica is started on a port aigis picks, so the command must be told which one.
        if (!config.Args.Any(HasPort) && !config.Env.Values.Any(HasPort))
        {
            context.Error(argsNode ?? map, $"{path}: pass \"{ProcessConfig.PortPlaceholder}\" to the command in 'args' (e.g. [--port, \"{ProcessConfig.PortPlaceholder}\"]) or 'env'; each replica must listen on the port aigis picks for it");
        }

        return config with { Command = command };
    }

    internal static bool HasPort(string value) => value.Contains(ProcessConfig.PortPlaceholder, StringComparison.Ordinal);

    private static string? Command(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } command)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(command) || command.Any(char.IsControl))
        {
            context.Error(node, $"{path}: '{command}' is not a command; name an executable on PATH, a path, or {ProcessConfig.SimulatorCommand}");
            return null;
        }

        return command;
    }

    internal static List<string> Args(YamlNode node, string path, ConfigReadContext context)
    {
        var args = new List<string>();
        if (context.Sequence(node, path, $"[--port, \"{ProcessConfig.PortPlaceholder}\"]") is not { } sequence)
        {
            return args;
        }

        for (var index = 0; index < sequence.Children.Count; index++)
        {
            var item = sequence.Children[index];
            if (UnquotedPlaceholder(item) is { } placeholder)
            {
                // {port} without quotes is YAML's flow syntax for a section with the key 'port'.
                context.Error(item, $"{path}[{index}]: write \"{placeholder}\" in quotes; without them YAML reads {placeholder} as a section");
                continue;
            }

            // A quoted empty argument ("") is kept; only a missing value is an error.
            if (context.Scalar(item, $"{path}[{index}]") is { } arg)
            {
                args.Add(arg);
            }
        }

        return args;
    }

    private static string? UnquotedPlaceholder(YamlNode node) =>
        node is YamlMappingNode { Children.Count: 1 } map &&
        map.Children.First() is (YamlScalarNode { Value: "port" or "replica" } key, YamlScalarNode value) &&
        ConfigReadContext.IsNull(value)
            ? "{" + key.Value + "}"
            : null;

    internal static string? HealthPath(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (!text.StartsWith('/') || text.StartsWith("//", StringComparison.Ordinal) || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ||
            text.Contains('#', StringComparison.Ordinal) || !Uri.IsWellFormedUriString(text, UriKind.Relative))
        {
            context.Error(node, $"{path}: '{text}' is not a path; write it as /health");
            return null;
        }

        return text;
    }

    internal static Dictionary<string, string> Env(YamlNode node, string path, ConfigReadContext context)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Mapping(node, path) is not { } map)
        {
            return env;
        }

        foreach (var (keyNode, value) in map.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { Length: > 0 } name } || !IsVariableName(name))
            {
                var shown = keyNode is YamlScalarNode { Value: { } raw } ? raw : "that";
                context.Error(keyNode, $"{path}: '{shown}' is not a variable name; use letters, digits and underscores, not starting with a digit");
                continue;
            }

            if (context.Scalar(value, $"{path}.{name}") is { } text)
            {
                env[name] = text;
            }
        }

        return env;
    }

    private static bool IsVariableName(string name) =>
        !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}

using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>docker</c> section of a <c>runtime: docker</c> service.</summary>
/// <remarks>Arguments, environment and health path read as in the <c>process</c> section, by the same code.</remarks>
internal static class DockerSectionBinder
{
    public static readonly string[] Keys = ["image", "buildFrom", "command", "args", "replicas", "healthPath", "startTimeout", "stopTimeout", "restart", "env"];

    public static DockerConfig? Bind(YamlNode node, string servicePath, ConfigReadContext context)
    {
        var path = $"{servicePath}.docker";
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        string? image = null;
        var imageSeen = false;
        var config = new DockerConfig { Image = "" };
        YamlNode? argsNode = null;
        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            switch (key)
            {
                case "image":
                    imageSeen = true;
                    image = Word(value, $"{path}.image", "an image name such as aigis-sim:local", context);
                    break;
                case "buildFrom":
                    config = config with { BuildFrom = Word(value, $"{path}.buildFrom", "a directory", context) };
                    break;
                case "command":
                    config = config with { Command = Word(value, $"{path}.command", "the executable inside the image, such as /app/aigis-sim", context) };
                    break;
                case "args":
                    argsNode = value;
                    config = config with { Args = ProcessSectionBinder.Args(value, $"{path}.args", context) };
                    break;
                case "replicas":
                    config = config with { Replicas = context.Integer(value, $"{path}.replicas", DockerConfig.MinReplicas, DockerConfig.MaxReplicas) ?? config.Replicas };
                    break;
                case "healthPath":
                    config = config with { HealthPath = ProcessSectionBinder.HealthPath(value, $"{path}.healthPath", context) ?? config.HealthPath };
                    break;
                case "startTimeout":
                    config = config with { StartTimeout = context.Duration(value, $"{path}.startTimeout", ProcessConfig.MinStartTimeout, ProcessConfig.MaxStartTimeout) ?? config.StartTimeout };
                    break;
                case "stopTimeout":
                    config = config with { StopTimeout = context.Duration(value, $"{path}.stopTimeout", DockerConfig.MinStopTimeout, DockerConfig.MaxStopTimeout) ?? config.StopTimeout };
                    break;
                case "restart":
                    config = context.Choice(value, $"{path}.restart", DockerRestartPolicyNames.All) is { } restart
                        ? config with { Restart = DockerRestartPolicyNames.Parse(restart) }
                        : config;
                    break;
                case "env":
                    config = config with { Env = ProcessSectionBinder.Env(value, $"{path}.env", context) };
                    break;
            }
        }

        if (!imageSeen)
        {
            context.Error(map, $"{path}: a docker service needs an 'image' (built locally: see 'aigis image build'; there is no registry)");
            return null;
        }

        if (image is null)
        {
            return null;
        }

        // Host networking: each container's server must bind the loopback port aigis picks for it.
        if (!config.Args.Any(ProcessSectionBinder.HasPort) && !config.Env.Values.Any(ProcessSectionBinder.HasPort))
        {
            context.Error(argsNode ?? map, $"{path}: pass \"{ProcessConfig.PortPlaceholder}\" to the container in 'args' (e.g. [--port, \"{ProcessConfig.PortPlaceholder}\"]) or 'env'; containers share the host's network, so each must listen on the 127.0.0.1 port aigis picks for it");
        }

        return config with { Image = image };
    }

    private static string? Word(YamlNode node, string path, string expected, ConfigReadContext context)
    {
        if (context.Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(text) || text.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            context.Error(node, $"{path}: '{text}' is not {expected}");
            return null;
        }

        return text;
    }
}

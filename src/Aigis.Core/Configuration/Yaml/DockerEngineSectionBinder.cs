using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the top-level <c>docker</c> section: the engine the <c>runtime: docker</c> services run on.</summary>
internal static class DockerEngineSectionBinder
{
    private static readonly string[] s_schemes = ["unix", "tcp", "http"];

    public static DockerEngineConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new DockerEngineConfig();
        if (context.Mapping(node, "docker") is not { } map)
        {
            return config;
        }

        foreach (var (_, value) in context.Entries(map, "docker", ["host"]))
        {
            if (context.Scalar(value, "docker.host") is not { } text)
            {
                continue;
            }

            if (!Uri.TryCreate(text, UriKind.Absolute, out var host) || !s_schemes.Contains(host.Scheme) ||
                (host.Scheme == "unix" ? host.AbsolutePath.Length <= 1 : string.IsNullOrEmpty(host.Host)))
            {
                context.Error(value, $"docker.host: '{text}' is not an engine address; write unix:///var/run/docker.sock or tcp://127.0.0.1:2375");
                continue;
            }

            config = config with { Host = host };
        }

        return config;
    }
}

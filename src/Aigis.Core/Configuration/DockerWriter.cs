using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>Writes a service's <c>docker</c> section back as YAML, every value explicit (for <see cref="ConfigWriter"/>).</summary>
internal static class DockerWriter
{
    public static YamlMappingNode ToNode(DockerConfig docker)
    {
        var node = new YamlMappingNode { { "image", Quoted(docker.Image) } };
        if (docker.BuildFrom is { } buildFrom)
        {
            node.Add("buildFrom", Quoted(buildFrom));
        }

        if (docker.Command is { } command)
        {
            node.Add("command", Quoted(command));
        }

        node.Add("args", new YamlSequenceNode(docker.Args.Select(a => (YamlNode)Quoted(a))));
        node.Add("replicas", Plain(docker.Replicas.ToString(CultureInfo.InvariantCulture)));
        node.Add("healthPath", Quoted(docker.HealthPath));
        node.Add("startTimeout", Plain(DurationParser.Format(docker.StartTimeout)));
        node.Add("stopTimeout", Plain(DurationParser.Format(docker.StopTimeout)));
        node.Add("restart", Plain(DockerRestartPolicyNames.Of(docker.Restart)));
        node.Add("env", new YamlMappingNode(docker.Env
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new KeyValuePair<YamlNode, YamlNode>(Plain(pair.Key), Quoted(pair.Value)))));
        return node;
    }

    private static YamlScalarNode Plain(string value) => new(value);

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}

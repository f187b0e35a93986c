using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration;

/// <summary>Writes a <c>kubernetes</c> section back in the loader's vocabulary, every value explicit and maps sorted by key.</summary>
internal static class KubernetesWriter
{
    public static YamlMappingNode ToNode(KubernetesConfig config)
    {
        var node = new YamlMappingNode { { "image", Quoted(config.Image) } };
        if (config.ImagePullPolicy is { } pullPolicy)
        {
            node.Add("imagePullPolicy", Plain(pullPolicy));
        }

        node.Add("command", Words(config.Command));
        node.Add("args", Words(config.Args));
        node.Add("replicas", Plain(Integer(config.Replicas)));
        node.Add("port", Plain(Integer(config.Port)));
        node.Add("healthPath", Quoted(config.HealthPath));
        node.Add("startTimeout", Plain(DurationParser.Format(config.StartTimeout)));
        node.Add("stopGracePeriod", Plain(DurationParser.Format(config.StopGracePeriod)));
        node.Add("env", Map(config.Env));
        if (config.Namespace is { } ns)
        {
            node.Add("namespace", Plain(ns));
        }

        if (config.ServiceAccount is { } account)
        {
            node.Add("serviceAccount", Plain(account));
        }

        node.Add("imagePullSecrets", new YamlSequenceNode(config.ImagePullSecrets.Select(s => (YamlNode)Plain(s))));
        node.Add("nodeSelector", Map(config.NodeSelector));
        node.Add("tolerations", new YamlSequenceNode(config.Tolerations.Select(Toleration)));
        node.Add("labels", Map(config.Labels));
        node.Add("annotations", Map(config.Annotations));
        node.Add("extraResources", new YamlMappingNode(config.ExtraResources
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new KeyValuePair<YamlNode, YamlNode>(Quoted(pair.Key), Plain(Integer(pair.Value))))));
        node.Add("maxUnavailable", Plain(Integer(config.MaxUnavailable)));
        if (config.Autoscale is { } autoscale)
        {
            node.Add("autoscale", new YamlMappingNode
            {
                { "minReplicas", Plain(Integer(autoscale.MinReplicas)) },
                { "maxReplicas", Plain(Integer(autoscale.MaxReplicas)) },
                { "targetCpuUtilization", Plain(Integer(autoscale.TargetCpuUtilization)) },
            });
        }

        var cluster = new YamlMappingNode { { "inCluster", Plain(config.Cluster.InCluster ? "true" : "false") } };
        if (config.Cluster.Kubeconfig is { } kubeconfig)
        {
            cluster.Add("kubeconfig", Quoted(kubeconfig));
        }

        if (config.Cluster.Context is { } context)
        {
            cluster.Add("context", Quoted(context));
        }

        node.Add("cluster", cluster);
        return node;
    }

    private static YamlNode Toleration(KubernetesToleration toleration)
    {
        var node = new YamlMappingNode();
        if (toleration.Key is { } key)
        {
            node.Add("key", Quoted(key));
        }

        node.Add("operator", Plain(toleration.Operator));
        if (toleration.Value is { } value)
        {
            node.Add("value", Quoted(value));
        }

        if (toleration.Effect is { } effect)
        {
            node.Add("effect", Plain(effect));
        }

        return node;
    }

    private static YamlSequenceNode Words(IReadOnlyList<string> words) => new(words.Select(w => (YamlNode)Quoted(w)));

    private static YamlMappingNode Map(IReadOnlyDictionary<string, string> map) => new(map
        .OrderBy(pair => pair.Key, StringComparer.Ordinal)
        .Select(pair => new KeyValuePair<YamlNode, YamlNode>(Quoted(pair.Key), Quoted(pair.Value))));

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static YamlScalarNode Plain(string value) => new(value);

    private static YamlScalarNode Quoted(string value) => new(value) { Style = ScalarStyle.DoubleQuoted };
}

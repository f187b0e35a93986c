using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// The rule every runtime that runs replicas shares: a <c>runtime: X</c> service has an <c>X</c> section, no
/// <c>instances</c> (what it runs are the instances), and no other service has an <c>X</c> section.
/// </summary>
internal static class RuntimeSections
{
    private sealed record Section(RuntimeKind Runtime, string Key, string Minimum, string Runs, string Instances);

    private static readonly Section[] s_sections =
    [
        new(RuntimeKind.Kubernetes, "kubernetes", "{image: ...}", "each pod runs", "the pods it discovers are the instances"),
        new(RuntimeKind.Process, "process", "{command: ...}", "each replica runs", "the replicas it runs are the instances"),
        new(RuntimeKind.Docker, "docker", "{image: ..., args: [...]}", "each container runs", "the containers it runs are the instances"),
    ];

    /// <summary>Reports a missing or misplaced runtime section, and <c>instances</c> beside a runtime that runs replicas.</summary>
    public static void Check(YamlMappingNode map, string path, ConfigReadContext context, RuntimeKind runtime, bool runtimeKnown, YamlNode? runtimeNode)
    {
        if (!runtimeKnown)
        {
            return;
        }

        var instancesKey = KeyNode(map, "instances", context);
        foreach (var section in s_sections)
        {
            var sectionKey = KeyNode(map, section.Key, context);
            if (runtime != section.Runtime)
            {
                if (sectionKey is not null)
                {
                    context.Error(sectionKey, $"{path}: '{section.Key}' applies only to runtime: {section.Key}; add 'runtime: {section.Key}' or remove the section");
                }

                continue;
            }

            if (sectionKey is null)
            {
                context.Error(runtimeNode!, $"{path}: runtime: {section.Key} needs a '{section.Key}' section, at least {section.Minimum}, saying what {section.Runs}");
            }

            if (instancesKey is not null)
            {
                context.Error(instancesKey, $"{path}: 'instances' cannot be combined with runtime: {section.Key}; {section.Instances}");
            }
        }
    }

    private static YamlNode? KeyNode(YamlMappingNode map, string key, ConfigReadContext context) =>
        map.Children.Keys.FirstOrDefault(k => context.IsKey(k, key));
}

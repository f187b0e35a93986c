using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds one instance: either a bare URL or a section with <c>url</c> and an optional <c>id</c>.</summary>
internal static class InstanceBinder
{
    public static readonly string[] Keys = ["id", "url"];

    public static InstanceConfig? Bind(YamlNode node, string path, ConfigReadContext context)
    {
        if (node is YamlScalarNode)
        {
            return context.HttpUrl(node, path) is { } bare ? new InstanceConfig { Id = bare.Authority, Url = bare } : null;
        }

        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        string? id = null;
        Uri? url = null;
        var urlSeen = false;
        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            if (key == "url")
            {
                urlSeen = true;
                url = context.HttpUrl(value, $"{path}.url");
            }
            else if (context.Scalar(value, $"{path}.id") is { } rawId)
            {
                if (rawId.Length > 128 || rawId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                {
                    context.Error(value, $"{path}.id: '{rawId}' is not a valid id (no spaces, at most 128 characters)");
                }
                else
                {
                    id = rawId;
                }
            }
        }

        if (!urlSeen)
        {
            context.Error(node, $"{path}: an instance needs a 'url'");
        }

        return url is null ? null : new InstanceConfig { Id = id ?? url.Authority, Url = url };
    }
}

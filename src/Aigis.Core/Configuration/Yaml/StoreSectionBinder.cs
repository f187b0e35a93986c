using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>store</c> section.</summary>
internal static class StoreSectionBinder
{
    public static readonly string[] Keys = ["path"];

    public static StoreConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new StoreConfig();
        if (context.Mapping(node, "store") is not { } map)
        {
            return config;
        }

        foreach (var (_, value) in context.Entries(map, "store", Keys))
        {
            if (context.Scalar(value, "store.path") is not { } path)
            {
                continue;
            }

            // An in-memory database would mint a new admin key at every start and forget every key it issued.
            if (path.Trim() == ":memory:" || path.Contains("mode=memory", StringComparison.OrdinalIgnoreCase))
            {
                context.Error(value, "store.path: an in-memory database would lose every key at restart; give a file path such as ./.aigis/aigis.db");
                continue;
            }

            if (string.IsNullOrWhiteSpace(path) || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                context.Error(value, $"store.path: '{path}' is not a file path");
                continue;
            }

            if (path.EndsWith('/') || path.EndsWith(Path.DirectorySeparatorChar))
            {
                context.Error(value, $"store.path: '{path}' names a directory; give the database file, e.g. {path}aigis.db");
                continue;
            }

            config = config with { Path = path };
        }

        return config;
    }
}

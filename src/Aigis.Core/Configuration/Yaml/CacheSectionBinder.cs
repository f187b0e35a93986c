using Aigis.Core.Caching;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds a service's <c>cache</c> section: the exact response cache and coalescing.</summary>
internal static class CacheSectionBinder
{
    public static readonly string[] Keys = ["enabled", "scope", "requests", "ttl", "maxBytes", "maxEntryBytes", "policy", "coalesce"];
    private static readonly string[] s_scopes = ["tenant", "shared"];
    private static readonly string[] s_requests = ["deterministic", "all"];
    private static readonly string[] s_policies = ["lfu", "lru"];

    public static ResponseCacheOptions Bind(YamlNode node, string path, ConfigReadContext context)
    {
        var options = new ResponseCacheOptions();
        if (context.Mapping(node, path) is not { } map)
        {
            return options;
        }

        foreach (var (key, value) in context.Entries(map, path, Keys))
        {
            var at = $"{path}.{key}";
            options = key switch
            {
                "enabled" => options with { Enabled = context.Boolean(value, at) ?? options.Enabled },
                "scope" => options with { Scope = context.Choice(value, at, s_scopes) == "shared" ? CacheScope.Shared : CacheScope.Tenant },
                "requests" => options with { Requests = context.Choice(value, at, s_requests) == "all" ? CacheableRequests.All : CacheableRequests.Deterministic },
                "ttl" => options with { Ttl = context.Duration(value, at, TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)) ?? options.Ttl },
                "maxBytes" => options with { MaxBytes = context.Size(value, at, 64 * 1024, 64L * 1024 * 1024 * 1024) ?? options.MaxBytes },
                "maxEntryBytes" => options with { MaxEntryBytes = context.Size(value, at, 1024, 1024L * 1024 * 1024) ?? options.MaxEntryBytes },
                "policy" => options with { Policy = context.Choice(value, at, s_policies) == "lru" ? CacheEvictionPolicy.Lru : CacheEvictionPolicy.Lfu },
                _ => options with { Coalesce = context.Boolean(value, at) ?? options.Coalesce },
            };
        }

        if (options.MaxEntryBytes > options.MaxBytes)
        {
            context.Error(node, $"{path}: maxEntryBytes ({SizeParser.Format(options.MaxEntryBytes)}) is above maxBytes ({SizeParser.Format(options.MaxBytes)}); no answer that large could be kept");
        }

        return options;
    }
}

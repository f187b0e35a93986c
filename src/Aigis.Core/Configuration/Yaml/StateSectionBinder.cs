using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>
/// Binds the <c>state</c> section: <c>backend: memory|redis</c>, <c>redis: "host:port,..."</c>, <c>timeout</c>,
/// <c>replicas</c>, and per limit <c>requests|tokens: {onStoreFailure: fail-open|fail-closed}</c>.
/// </summary>
internal static class StateSectionBinder
{
    public static readonly string[] Keys = ["backend", "redis", "timeout", "replicas", "requests", "tokens"];
    private static readonly string[] s_limitKeys = ["onStoreFailure"];
    private static readonly string[] s_redisOptions = ["user", "password", "ssl"];

    public static StateConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new StateConfig();
        if (context.Mapping(node, "state") is not { } map)
        {
            return config;
        }

        YamlNode? redisNode = null;
        foreach (var (key, value) in context.Entries(map, "state", Keys))
        {
            switch (key)
            {
                case "backend":
                    config = context.Scalar(value, "state.backend") switch
                    {
                        null => config,
                        "memory" => config with { Backend = StateBackend.Memory },
                        "redis" => config with { Backend = StateBackend.Redis },
                        var other => Invalid(context, value, config, $"state.backend must be memory or redis, not '{other}'"),
                    };
                    break;
                case "redis":
                    redisNode = value;
                    if (context.Scalar(value, "state.redis") is { } redis && CheckRedis(redis, value, context))
                    {
                        config = config with { Redis = redis.Trim() };
                    }

                    break;
                case "timeout":
                    config = config with { Timeout = context.Duration(value, "state.timeout", TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(10)) ?? config.Timeout };
                    break;
                case "replicas":
                    config = config with { Replicas = context.Integer(value, "state.replicas", 1, 1000) ?? config.Replicas };
                    break;
                case "requests":
                    config = config with { RequestsOnStoreFailure = Policy(value, "state.requests", context) ?? config.RequestsOnStoreFailure };
                    break;
                default:
                    config = config with { TokensOnStoreFailure = Policy(value, "state.tokens", context) ?? config.TokensOnStoreFailure };
                    break;
            }
        }

        if (config.Backend == StateBackend.Redis && config.Redis is null && redisNode is null)
        {
            context.Error(map, "state.backend is redis but state.redis is missing; give the server as redis: \"127.0.0.1:6379\"");
        }
        else if (config.Backend == StateBackend.Memory && redisNode is not null)
        {
            // Silently keeping limits per process while the user thinks they are shared is the failure to avoid.
            context.Error(redisNode, "state.redis is set but state.backend is memory, so limits would not be shared; add backend: redis or remove redis");
        }

        return config;
    }

    private static StateConfig Invalid(ConfigReadContext context, YamlNode node, StateConfig config, string message)
    {
        context.Error(node, message);
        return config;
    }

    private static StoreFailurePolicy? Policy(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.Mapping(node, path) is not { } map)
        {
            return null;
        }

        StoreFailurePolicy? policy = null;
        foreach (var (_, value) in context.Entries(map, path, s_limitKeys))
        {
            policy = context.Scalar(value, path + ".onStoreFailure") switch
            {
                null => policy,
                "fail-open" => StoreFailurePolicy.FailOpen,
                "fail-closed" => StoreFailurePolicy.FailClosed,
                var other => InvalidPolicy(context, value, path, other),
            };
        }

        return policy;
    }

    private static StoreFailurePolicy? InvalidPolicy(ConfigReadContext context, YamlNode node, string path, string value)
    {
        context.Error(node, $"{path}.onStoreFailure must be fail-open or fail-closed, not '{value}'");
        return null;
    }

    /// <summary>Each entry is <c>host:port</c> or one of the allowed options; a message never repeats an option's value.</summary>
    private static bool CheckRedis(string redis, YamlNode node, ConfigReadContext context)
    {
        var endpoints = 0;
        var ok = true;
        foreach (var entry in redis.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = entry.IndexOf('=');
            if (equals >= 0)
            {
                var name = entry[..equals];
                if (!s_redisOptions.Contains(name, StringComparer.Ordinal))
                {
                    context.Error(node, $"state.redis: unknown option '{name}'; allowed are {string.Join(", ", s_redisOptions)}");
                    ok = false;
                }

                continue;
            }

            var colon = entry.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                context.Error(node, $"state.redis: '{entry}' is not host:port (e.g. 127.0.0.1:6379)");
                ok = false;
                continue;
            }

            endpoints++;
        }

        if (ok && endpoints == 0)
        {
            context.Error(node, "state.redis names no server; give host:port (e.g. 127.0.0.1:6379)");
            ok = false;
        }

        return ok;
    }
}

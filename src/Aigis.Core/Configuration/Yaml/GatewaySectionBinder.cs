using System.Net;
using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>gateway</c> section.</summary>
internal static class GatewaySectionBinder
{
    public static readonly string[] Keys = ["listen", "admin", "maxBodySize", "auth", "shutdownTimeout"];
    private static readonly string[] s_authModes = ["required", "disabled"];

    public static GatewayConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new GatewayConfig();
        if (context.Mapping(node, "gateway") is not { } map)
        {
            return config;
        }

        YamlNode? listenNode = null;
        YamlNode? adminNode = null;
        foreach (var (key, value) in context.Entries(map, "gateway", Keys))
        {
            switch (key)
            {
                case "listen":
                    listenNode = value;
                    config = config with { Listen = ListenUrl(value, "gateway.listen", context) ?? config.Listen };
                    break;
                case "admin":
                    adminNode = value;
                    config = config with { Admin = ListenUrl(value, "gateway.admin", context) ?? config.Admin };
                    break;
                case "maxBodySize":
                    config = config with { MaxBodySize = context.Size(value, "gateway.maxBodySize", 1024, 1L << 30) ?? config.MaxBodySize };
                    break;
                case "shutdownTimeout":
                    config = config with { ShutdownTimeout = context.Duration(value, "gateway.shutdownTimeout", TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)) ?? config.ShutdownTimeout };
                    break;
                case "auth":
                    config = context.Choice(value, "gateway.auth", s_authModes) switch
                    {
                        "disabled" => config with { Auth = AuthMode.Disabled },
                        _ => config with { Auth = AuthMode.Required },
                    };
                    break;
            }
        }

        if (config.Listen.Port != 0 && config.Listen.Port == config.Admin.Port &&
            string.Equals(config.Listen.Host, config.Admin.Host, StringComparison.OrdinalIgnoreCase))
        {
            context.Error(adminNode ?? listenNode ?? node, $"gateway.admin must not share the public listener ({config.Listen.Scheme}://{config.Listen.Authority}): admin endpoints are never exposed with the model APIs");
        }

        return config;
    }

    /// <summary>A listener is <c>http(s)://HOST:PORT</c> with an IP address or <c>localhost</c>, and no path.</summary>
    private static Uri? ListenUrl(YamlNode node, string path, ConfigReadContext context)
    {
        if (context.HttpUrl(node, path) is not { } uri)
        {
            return null;
        }

        if (uri.AbsolutePath != "/")
        {
            context.Error(node, $"{path}: a listener has no path; write it as {uri.Scheme}://{uri.Authority}");
            return null;
        }

        if (!uri.IsLoopback && !IPAddress.TryParse(uri.Host.Trim('[', ']'), out _) && uri.Host != "*" && uri.Host != "+")
        {
            context.Error(node, $"{path}: listen on an IP address (e.g. 127.0.0.1 or 0.0.0.0), not the host name '{uri.Host}'");
            return null;
        }

        return uri;
    }
}

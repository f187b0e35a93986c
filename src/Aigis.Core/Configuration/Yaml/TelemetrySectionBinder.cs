using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>telemetry</c> section.</summary>
internal static class TelemetrySectionBinder
{
    public static readonly string[] Keys = ["otlp", "sampling", "accessLog", "log", "metricsAuth"];
    private static readonly string[] s_otlpKeys = ["endpoint", "protocol"];
    private static readonly string[] s_logKeys = ["format", "file"];
    private static readonly string[] s_protocols = ["http", "grpc"];
    private static readonly string[] s_formats = ["text", "json"];
    private static readonly string[] s_metricsAuth = ["none", "admin-key"];

    public static TelemetryConfig Bind(YamlNode node, ConfigReadContext context)
    {
        var config = new TelemetryConfig();
        if (context.Mapping(node, "telemetry") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "telemetry", Keys))
        {
            config = key switch
            {
                "otlp" => config with { Otlp = Otlp(value, context) },
                "sampling" => config with { Sampling = context.Number(value, "telemetry.sampling", 0, 1) ?? config.Sampling },
                "accessLog" => config with { AccessLog = FilePath(value, "telemetry.accessLog", context, allowKeywords: true) ?? config.AccessLog },
                "log" => config with { Log = Log(value, context) },
                _ => config with
                {
                    MetricsAuth = context.Choice(value, "telemetry.metricsAuth", s_metricsAuth) == "admin-key" ? MetricsAuth.AdminKey : MetricsAuth.None,
                },
            };
        }

        return config;
    }

    private static OtlpConfig? Otlp(YamlNode node, ConfigReadContext context)
    {
        if (context.Mapping(node, "telemetry.otlp") is not { } map)
        {
            return null;
        }

        Uri? endpoint = null;
        var protocol = OtlpProtocol.HttpProtobuf;
        foreach (var (key, value) in context.Entries(map, "telemetry.otlp", s_otlpKeys))
        {
            if (key == "endpoint")
            {
                endpoint = context.HttpUrl(value, "telemetry.otlp.endpoint");
            }
            else if (context.Choice(value, "telemetry.otlp.protocol", s_protocols) == "grpc")
            {
                protocol = OtlpProtocol.Grpc;
            }
        }

        if (endpoint is null)
        {
            if (!map.Children.Keys.Any(k => context.IsKey(k, "endpoint")))
            {
                context.Error(map, "telemetry.otlp needs an 'endpoint' (e.g. http://127.0.0.1:4318)");
            }

            return null;
        }

        return new OtlpConfig { Endpoint = endpoint, Protocol = protocol };
    }

    private static AppLogConfig Log(YamlNode node, ConfigReadContext context)
    {
        var config = new AppLogConfig();
        if (context.Mapping(node, "telemetry.log") is not { } map)
        {
            return config;
        }

        foreach (var (key, value) in context.Entries(map, "telemetry.log", s_logKeys))
        {
            config = key == "format"
                ? config with { Format = context.Choice(value, "telemetry.log.format", s_formats) == "json" ? LogFormat.Json : LogFormat.Text }
                : config with { File = FilePath(value, "telemetry.log.file", context, allowKeywords: false) };
        }

        return config;
    }

    private static string? FilePath(YamlNode node, string path, ConfigReadContext context, bool allowKeywords)
    {
        if (context.Scalar(node, path) is not { } text)
        {
            return null;
        }

        if (allowKeywords && text is TelemetryConfig.Stdout or TelemetryConfig.Off)
        {
            return text;
        }

        if (string.IsNullOrWhiteSpace(text) || text.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || text.EndsWith('/'))
        {
            var expected = allowKeywords ? "stdout, off, or a file path" : "a file path";
            context.Error(node, $"{path}: '{text}' is not {expected} (e.g. ./logs/aigis.log)");
            return null;
        }

        return text;
    }
}

namespace Aigis.Core.Configuration;

/// <summary>The <c>telemetry</c> section: where metrics, traces and logs go. Needs a restart to change.</summary>
public sealed record TelemetryConfig
{
    /// <summary>The <see cref="AccessLog"/> value that writes to standard output (the default).</summary>
    public const string Stdout = "stdout";

    /// <summary>The <see cref="AccessLog"/> value that turns the access log off.</summary>
    public const string Off = "off";

    /// <summary>Where traces and metrics are pushed over OTLP; null to push nothing (Prometheus can still scrape).</summary>
    public OtlpConfig? Otlp { get; init; }

    /// <summary>Share of traces recorded and exported, from 0 to 1, decided by trace id (so one trace is all in or all out).</summary>
    public double Sampling { get; init; } = 1.0;

    /// <summary>One JSON line per request: <see cref="Stdout"/>, <see cref="Off"/>, or a file path (appended to).</summary>
    public string AccessLog { get; init; } = Stdout;

    /// <summary>The application log's format on the console, and an optional file it is also written to.</summary>
    public AppLogConfig Log { get; init; } = new();

    /// <summary>Who may read <c>/metrics</c> on the admin listener.</summary>
    public MetricsAuth MetricsAuth { get; init; } = MetricsAuth.None;
}

/// <summary>An OTLP collector endpoint.</summary>
public sealed record OtlpConfig
{
    /// <summary>e.g. <c>http://127.0.0.1:4318</c> for OTLP/HTTP or <c>http://127.0.0.1:4317</c> for gRPC.</summary>
    public required Uri Endpoint { get; init; }

    public OtlpProtocol Protocol { get; init; } = OtlpProtocol.HttpProtobuf;
}

public enum OtlpProtocol
{
    HttpProtobuf,
    Grpc,
}

public enum LogFormat
{
    /// <summary>One readable line per event (the default on a terminal).</summary>
    Text,

    /// <summary>One JSON object per line, for log shippers.</summary>
    Json,
}

/// <summary>The application log (not the access log).</summary>
public sealed record AppLogConfig
{
    public LogFormat Format { get; init; } = LogFormat.Text;

    /// <summary>A file the application log is also appended to, as JSON lines; null for none.</summary>
    public string? File { get; init; }
}

/// <summary>Who may scrape <c>/metrics</c>.</summary>
public enum MetricsAuth
{
    /// <summary>Anyone who can reach the admin listener (loopback by default): how Prometheus usually scrapes.</summary>
    None,

    /// <summary>Only callers with an admin key, sent as <c>Authorization: Bearer KEY</c> (Prometheus's <c>authorization</c> setting).</summary>
    AdminKey,
}

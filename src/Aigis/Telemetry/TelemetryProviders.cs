using Aigis.Core.Configuration;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Aigis.Telemetry;

/// <summary>
/// The OpenTelemetry SDK for one host: a meter provider reading every meter named <c>Aigis.*</c> (the gateway's
/// and those of the resilience, admission, limits and security stages) for the Prometheus endpoint and, when
/// configured, OTLP; and a tracer provider for <see cref="GatewayTracing.SourceName"/>.
/// </summary>
internal sealed class TelemetryProviders : IDisposable
{
    public const string AigisMeters = "Aigis.*";

    private TelemetryProviders(MeterProvider meters, TracerProvider tracer)
    {
        Meters = meters;
        Tracer = tracer;
    }

    public MeterProvider Meters { get; }

    public TracerProvider Tracer { get; }

    /// <param name="config">The telemetry section.</param>
    /// <param name="belongsToOtherHost">
    /// True for an instrument of another host's per-host meter (tests run several gateways in one process; each
    /// host's <c>/metrics</c> must show its own gauges and counts, not the sum of all of them).
    /// </param>
    public static TelemetryProviders Create(TelemetryConfig config, Func<System.Diagnostics.Metrics.Instrument, bool> belongsToOtherHost)
    {
        var resource = ResourceBuilder.CreateEmpty().AddService("aigis", serviceVersion: Cli.AigisCli.Version);
        var meters = Sdk.CreateMeterProviderBuilder()
            .SetResourceBuilder(resource)
            .AddMeter(AigisMeters)
            .SetMaxMetricStreams(1000)
            .AddView(instrument => belongsToOtherHost(instrument) ? MetricStreamConfiguration.Drop : null)
            .AddPrometheusExporter(options =>
            {
                // Each scrape sees the values as they are now (tests read right after a request; Prometheus scrapes rarely).
                options.ScrapeResponseCacheDurationMilliseconds = 0;
            });
        if (config.Otlp is { } otlp)
        {
            meters.AddOtlpExporter((exporter, reader) =>
            {
                Configure(exporter, otlp, "v1/metrics");
                reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 15_000;
            });
        }

        var tracer = Sdk.CreateTracerProviderBuilder()
            .SetResourceBuilder(resource)
            .AddSource(GatewayTracing.SourceName)

            // Without an exporter nothing is recorded; requests still get a trace context (propagation only).
            .SetSampler(config.Otlp is null ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(config.Sampling));
        if (config.Otlp is { } traces)
        {
            tracer.AddOtlpExporter(exporter => Configure(exporter, traces, "v1/traces"));
        }

        return new TelemetryProviders(meters.Build(), tracer.Build());
    }

    public void Dispose()
    {
        Tracer.Dispose();
        Meters.Dispose();
    }

    private static void Configure(OtlpExporterOptions exporter, OtlpConfig otlp, string signalPath)
    {
        if (otlp.Protocol == OtlpProtocol.Grpc)
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = otlp.Endpoint;
            return;
        }

        // With OTLP/HTTP a configured endpoint is used as is, so the signal's path is added here.
        exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
        var baseUri = otlp.Endpoint.AbsoluteUri.TrimEnd('/');
        exporter.Endpoint = new Uri($"{baseUri}/{signalPath}");
    }
}

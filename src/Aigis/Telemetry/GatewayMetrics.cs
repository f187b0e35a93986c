using System.Diagnostics;
using System.Diagnostics.Metrics;
using Aigis.Core.Routing;
using Aigis.Deployers;
using Aigis.Hosting;
using Aigis.Pipeline;

namespace Aigis.Telemetry;

/// <summary>
/// The gateway's own instruments (meter <see cref="MeterName"/>): requests by service, model, tenant and outcome,
/// durations, upstream latency, the OpenTelemetry GenAI client and server metrics, and gauges read from the live
/// route table and deployer when a reader collects. One per host, so its gauges read that host's state.
/// </summary>
/// <remarks>
/// Label values come from the config (services, models, instances) or the key store (tenants), never from the
/// request as sent; each goes through a <see cref="BoundedLabel"/> so a long-running gateway's series stay bounded.
/// Recording uses <see cref="TagList"/> (up to eight tags inline): nothing is allocated per request.
/// </remarks>
internal sealed class GatewayMetrics
{
    public const string MeterName = "Aigis.Gateway";

    /// <summary>The <c>outcome</c> of a request the upstream answered (whatever its status).</summary>
    public const string Served = "served";

    /// <summary>The <c>outcome</c> of a request whose client went away before it was answered.</summary>
    public const string Aborted = "aborted";

    // The GenAI semantic conventions' advised bucket boundaries.
    private static readonly double[] s_operationDurationBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly long[] s_tokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
    private static readonly double[] s_ttftBuckets = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0];
    private static readonly double[] s_tpotBuckets = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5];
    private static readonly double[] s_latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly Meter _meter;
    private readonly TimeProvider _time;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;
    private readonly Histogram<double> _upstreamLatency;
    private readonly Counter<long> _cacheResults;
    private readonly Histogram<double> _operationDuration;
    private readonly Histogram<long> _tokenUsage;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _timePerOutputToken;
    private readonly BoundedLabel _services = new(256);
    private readonly BoundedLabel _models = new(256);
    private readonly BoundedLabel _tenants = new(200);
    private readonly BoundedLabel _instances = new(1024);

    public GatewayMetrics(GatewayState state, Func<IReadOnlyList<ReplicaStatus>> replicas, TimeProvider time, IMeterFactory meters)
    {
        _time = time;
        _meter = meters.Create(MeterName, "1.0");
        _requests = _meter.CreateCounter<long>("aigis.requests", "{request}", "Requests on the public listener by service, model, tenant, outcome (served, aborted, or the stage that refused it) and status class.");
        _requestDuration = _meter.CreateHistogram("aigis.request.duration", "s", "Time from receiving a request to the end of its response.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _upstreamLatency = _meter.CreateHistogram("aigis.upstream.latency", "s", "Time from sending a request to an instance to its first response body byte, per attempt.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_latencyBuckets });
        _cacheResults = _meter.CreateCounter<long>("aigis.cache.results", "{request}", "Requests of services with a cache, by what the cache did (hit, miss, bypass, coalesced).");
        _operationDuration = _meter.CreateHistogram("gen_ai.client.operation.duration", "s", "GenAI operation duration, as the gateway (the upstream's client) saw it.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_operationDurationBuckets });
        _tokenUsage = _meter.CreateHistogram("gen_ai.client.token.usage", "{token}", "Input and output tokens per GenAI operation.", advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = s_tokenBuckets });
        _timeToFirstToken = _meter.CreateHistogram("gen_ai.server.time_to_first_token", "s", "Time to the first streamed token.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_ttftBuckets });
        _timePerOutputToken = _meter.CreateHistogram("gen_ai.server.time_per_output_token", "s", "Time per output token after the first, for streamed answers.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = s_tpotBuckets });

        _meter.CreateObservableGauge("aigis.instance.in_flight", () => PerInstance(state, static i => i.InFlight), "{request}", "Requests sent to the instance and not yet finished.");
        _meter.CreateObservableGauge("aigis.instance.prefill_owed", () => PerInstance(state, static i => (int)Math.Min(i.PendingPrefill, int.MaxValue)), "{block}", "Prompt blocks (128 bytes) sent to the instance and not yet answered with a first byte: the prefill it owes.");
        _meter.CreateObservableGauge("aigis.instance.healthy", () => PerInstance(state, static i => i.IsHealthy ? 1 : 0), "1", "1 while the instance is in rotation, 0 while it is out.");
        _meter.CreateObservableGauge("aigis.service.healthy_instances", () => HealthyPerService(state), "{instance}", "Instances of the service in rotation.");
        _meter.CreateObservableGauge("aigis.replicas", () => ReplicasByState(replicas()), "{replica}", "Replicas the process deployer runs, by service and state.");
    }

    /// <summary>This host's meter (instances of other hosts in the same process share its name).</summary>
    public Meter Meter => _meter;

    /// <summary>Records one finished request; called once per request by <see cref="TelemetryMiddleware"/>.</summary>
    public void RecordRequest(RequestRecord record, string? operation, int status, bool aborted, long endedAt)
    {
        var service = _services.Of(record.Service);
        var model = _models.Of(record.Model);
        var outcome = record.RefusedBy ?? (aborted ? Aborted : Served);
        var tags = new TagList
        {
            { "service", service },
            { "model", model },
            { "tenant", _tenants.Of(record.Tenant) },
            { "outcome", outcome },
            { "status", StatusClass(status) },
        };
        _requests.Add(1, tags);
        var elapsed = _time.GetElapsedTime(record.StartedAt, endedAt).TotalSeconds;
        _requestDuration.Record(elapsed, new TagList { { "service", service }, { "outcome", outcome } });
        if (record.CacheResult is { } cache)
        {
            _cacheResults.Add(1, new TagList { { "service", service }, { "result", cache } });
        }

        if (operation is null || record.Model is null)
        {
            return;
        }

        var genAi = new TagList
        {
            { "gen_ai.operation.name", operation },
            { "gen_ai.provider.name", "aigis" },
            { "gen_ai.request.model", model },
        };
        if (record.RefusedBy is not null || status >= 500)
        {
            genAi.Add("error.type", record.ErrorCode ?? StatusClass(status));
        }

        _operationDuration.Record(elapsed, genAi);
        if (record.PromptTokens >= 0)
        {
            _tokenUsage.Record(record.PromptTokens, TokenTags(operation, model, "input"));
        }

        if (record.CompletionTokens >= 0)
        {
            _tokenUsage.Record(record.CompletionTokens, TokenTags(operation, model, "output"));
        }

        if (record.Streamed && record.FirstByteAt != 0)
        {
            var serverTags = new TagList { { "gen_ai.operation.name", operation }, { "gen_ai.request.model", model } };
            _timeToFirstToken.Record(_time.GetElapsedTime(record.StartedAt, record.FirstByteAt).TotalSeconds, serverTags);
            if (record.CompletionTokens > 1)
            {
                _timePerOutputToken.Record(_time.GetElapsedTime(record.FirstByteAt, endedAt).TotalSeconds / (record.CompletionTokens - 1), serverTags);
            }
        }
    }

    /// <summary>One upstream attempt's time to its first body byte.</summary>
    public void RecordUpstreamLatency(UpstreamInstance instance, TimeSpan latency) =>
        _upstreamLatency.Record(latency.TotalSeconds, new TagList { { "service", _services.Of(instance.ServiceName) }, { "instance", _instances.Of(instance.Id) } });


    internal static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    private static TagList TokenTags(string operation, string model, string type) => new()
    {
        { "gen_ai.operation.name", operation },
        { "gen_ai.provider.name", "aigis" },
        { "gen_ai.request.model", model },
        { "gen_ai.token.type", type },
    };

    private List<Measurement<int>> PerInstance(GatewayState state, Func<UpstreamInstance, int> read)
    {
        var measurements = new List<Measurement<int>>();
        foreach (var route in state.Routes.ByName.Values)
        {
            foreach (var instance in route.Instances)
            {
                measurements.Add(new Measurement<int>(read(instance), new KeyValuePair<string, object?>("service", _services.Of(route.Name)), new KeyValuePair<string, object?>("instance", _instances.Of(instance.Id))));
            }
        }

        return measurements;
    }

    private List<Measurement<int>> HealthyPerService(GatewayState state)
    {
        var measurements = new List<Measurement<int>>();
        foreach (var route in state.Routes.ByName.Values)
        {
            var healthy = 0;
            foreach (var instance in route.Instances)
            {
                healthy += instance.IsHealthy ? 1 : 0;
            }

            measurements.Add(new Measurement<int>(healthy, new KeyValuePair<string, object?>("service", _services.Of(route.Name))));
        }

        return measurements;
    }

    private List<Measurement<int>> ReplicasByState(IReadOnlyList<ReplicaStatus> replicas)
    {
        var counts = new Dictionary<(string Service, ReplicaState State), int>();
        foreach (var replica in replicas)
        {
            counts[(replica.Service, replica.State)] = counts.GetValueOrDefault((replica.Service, replica.State)) + 1;
        }

        var measurements = new List<Measurement<int>>(counts.Count);
        foreach (var ((service, replicaState), count) in counts)
        {
            measurements.Add(new Measurement<int>(count, new KeyValuePair<string, object?>("service", _services.Of(service)), new KeyValuePair<string, object?>("state", ReplicaStateNames.Of(replicaState))));
        }

        return measurements;
    }
}

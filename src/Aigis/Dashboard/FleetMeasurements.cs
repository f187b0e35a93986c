using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Aigis.Hosting;
using Aigis.Telemetry;

namespace Aigis.Dashboard;

/// <summary>
/// Feeds the dashboard from the instruments the request path records already (requests, output tokens, TTFT, cache
/// results), through a <see cref="MeterListener"/> on this host's gateway meter: the request path does no extra work
/// but the listener's callback, which finds the service tag and makes one atomic add.
/// </summary>
internal sealed class FleetMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly GatewayState _state;

    public FleetMeasurements(GatewayMetrics metrics, GatewayState state)
    {
        _state = state;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, metrics.Meter) && instrument.Name is "aigis.requests" or "aigis.cache.results" or "gen_ai.client.token.usage" or "gen_ai.server.time_to_first_token")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    /// <summary>Each service's totals since start (services the config dropped stay until the process ends; they are few).</summary>
    public ConcurrentDictionary<string, ServiceCounters> Services { get; } = new(StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "aigis.requests" when Tag(tags, "service") is { } service:
                var counters = Of(service);
                Interlocked.Add(ref counters.Requests, value);
                var outcome = Tag(tags, "outcome");
                if (Tag(tags, "status") == "5xx")
                {
                    Interlocked.Add(ref counters.Errors, value);
                }
                else if (outcome is not null and not GatewayMetrics.Served and not GatewayMetrics.Aborted)
                {
                    Interlocked.Add(ref counters.Refused, value);
                }

                break;
            case "aigis.cache.results" when Tag(tags, "service") is { } service:
                var cache = Of(service);
                Interlocked.Add(ref cache.CacheLookups, value);
                if (Tag(tags, "result") == "hit")
                {
                    Interlocked.Add(ref cache.CacheHits, value);
                }

                break;
            case "gen_ai.client.token.usage" when Tag(tags, "gen_ai.token.type") == "output" && ServiceOfModel(tags) is { } service:
                Interlocked.Add(ref Of(service).OutputTokens, value);
                break;
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name == "gen_ai.server.time_to_first_token" && ServiceOfModel(tags) is { } service)
        {
            Of(service).AddTtft(value);
        }
    }

    private ServiceCounters Of(string service) => Services.GetOrAdd(service, static _ => new ServiceCounters());

    /// <summary>The GenAI instruments name the model, not the service: the live route table maps one to the other.</summary>
    private string? ServiceOfModel(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        Tag(tags, "gen_ai.request.model") is { } model && _state.Routes.ByModel.TryGetValue(model, out var route) ? route.Name : null;

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}

using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Aigis.Sim.Metrics;

namespace Aigis.Sim.Classify;

/// <summary>The classifier's own metrics: requests by model and status code, and latency by model.</summary>
internal sealed class ClassifyMetrics : IMetricFamilies
{
    public const string RequestsName = "aigis_sim:classify_requests_total";
    public const string LatencyName = "aigis_sim:classify_latency_seconds";

    // Keys are a served model (or "" when the request named none) and a status code: a small, bounded set.
    private readonly ConcurrentDictionary<(string Model, int Code), StrongBox<long>> _requests = new();
    private readonly FrozenDictionary<string, LatencyHistogram> _latency;

    public ClassifyMetrics(IReadOnlyList<string> servedModels)
    {
        ArgumentNullException.ThrowIfNull(servedModels);
        _latency = servedModels.ToFrozenDictionary(model => model, _ => new LatencyHistogram(), StringComparer.Ordinal);
    }

    /// <summary>Counts one answered request; <paramref name="servedModel"/> is null when the request named no served model.</summary>
    public void CountRequest(string? servedModel, int statusCode)
    {
        var counter = _requests.GetOrAdd((servedModel ?? string.Empty, statusCode), static _ => new StrongBox<long>());
        Interlocked.Increment(ref counter.Value);
    }

    /// <summary>Records the time from arrival to answer of a classified request.</summary>
    public void ObserveLatency(string servedModel, TimeSpan latency) => _latency[servedModel].Observe(latency);

    public void WriteTo(StringBuilder text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text.Append("# HELP ").Append(RequestsName).Append(" Classify requests answered, by model and HTTP status code.\n");
        text.Append("# TYPE ").Append(RequestsName).Append(" counter\n");
        foreach (var ((model, code), counter) in _requests.OrderBy(entry => entry.Key.Model, StringComparer.Ordinal).ThenBy(entry => entry.Key.Code))
        {
            text.Append(RequestsName).Append("{model_name=\"").Append(PrometheusExposition.EscapeLabelValue(model))
                .Append("\",code=\"").Append(code.ToString(CultureInfo.InvariantCulture)).Append("\"} ")
                .Append(Volatile.Read(ref counter.Value).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        text.Append("# HELP ").Append(LatencyName).Append(" Time from receiving a classify request to answering it, for classified requests.\n");
        text.Append("# TYPE ").Append(LatencyName).Append(" histogram\n");
        foreach (var (model, histogram) in _latency.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            histogram.WriteSamples(text, LatencyName, $"model_name=\"{PrometheusExposition.EscapeLabelValue(model)}\"");
        }
    }
}

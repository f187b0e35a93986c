using System.Globalization;
using System.Text;
using Aigis.Sim.Engine;

namespace Aigis.Sim.Metrics;

/// <summary>Writes the simulator's metrics in Prometheus text format 0.0.4, with vLLM's metric names.</summary>
/// <remarks>
/// Engine gauges (running, waiting, KV usage, prefix cache, preemptions) describe the one engine behind every
/// served model, so each model's series shows the same engine values, as vLLM does for its one model.
/// </remarks>
internal static class PrometheusExposition
{
    /// <summary>The Content-Type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(ServedModels models, EngineSnapshot engine)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(engine);
        var text = new StringBuilder(4096);
        WriteFamily(text, models, "vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", _ => engine.Running);
        WriteFamily(text, models, "vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", _ => engine.Waiting);
        WriteFamily(text, models, "vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.", _ => engine.KvCacheUsage);
        WriteFamily(text, models, "vllm:prefix_cache_queries_total", "counter", "Prefix cache queries, in terms of number of queried tokens.", _ => engine.PrefixQueryTokens);
        WriteFamily(text, models, "vllm:prefix_cache_hits_total", "counter", "Prefix cache hits, in terms of number of cached tokens.", _ => engine.PrefixHitTokens);
        WriteFamily(text, models, "vllm:num_preemptions_total", "counter", "Cumulative number of preemptions from the engine.", _ => engine.Preemptions);
        WriteFamily(text, models, "vllm:request_success_total", "counter", "Count of successfully processed requests.", m => m.Successes);
        WriteFamily(text, models, "vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", m => m.PromptTokens);
        WriteFamily(text, models, "vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", m => m.GenerationTokens);
        WriteHistogram(text, models, "vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", m => m.TimeToFirstToken);
        return text.ToString();
    }

    private static void WriteFamily(StringBuilder text, ServedModels models, string name, string type, string help, Func<ModelMetrics, double> value)
    {
        Header(text, name, type, help);
        foreach (var model in models.All)
        {
            text.Append(name).Append("{model_name=\"").Append(EscapeLabelValue(model.ModelName)).Append("\"} ")
                .Append(Format(value(model))).Append('\n');
        }
    }

    private static void WriteHistogram(StringBuilder text, ServedModels models, string name, string help, Func<ModelMetrics, LatencyHistogram> histogramOf)
    {
        Header(text, name, "histogram", help);
        foreach (var model in models.All)
        {
            histogramOf(model).WriteSamples(text, name, $"model_name=\"{EscapeLabelValue(model.ModelName)}\"");
        }
    }

    private static void Header(StringBuilder text, string name, string type, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}

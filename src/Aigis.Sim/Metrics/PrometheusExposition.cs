using System.Globalization;
using System.Text;

namespace Aigis.Sim.Metrics;

/// <summary>Writes the served models' metrics in Prometheus text format 0.0.4, with vLLM's metric names.</summary>
internal static class PrometheusExposition
{
    /// <summary>The Content-Type of the exposition.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Render(ServedModels models)
    {
        ArgumentNullException.ThrowIfNull(models);
        var text = new StringBuilder(1024);
        WriteFamily(text, models, "vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", m => m.Running);
        // Every request starts at once in this latency model, so nothing ever waits.
        WriteFamily(text, models, "vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.", _ => 0);
        WriteFamily(text, models, "vllm:request_success_total", "counter", "Count of successfully processed requests.", m => m.Successes);
        WriteFamily(text, models, "vllm:prompt_tokens_total", "counter", "Number of prefill tokens processed.", m => m.PromptTokens);
        WriteFamily(text, models, "vllm:generation_tokens_total", "counter", "Number of generation tokens processed.", m => m.GenerationTokens);
        return text.ToString();
    }

    private static void WriteFamily(StringBuilder text, ServedModels models, string name, string type, string help, Func<ModelMetrics, long> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var model in models.All)
        {
            text.Append(name).Append("{model_name=\"").Append(EscapeLabelValue(model.ModelName)).Append("\"} ")
                .Append(value(model).ToString(CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    internal static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);
}

using Aigis.Sim.Metrics;

namespace Aigis.Sim.Engine;

/// <summary>One request's work for the engine: its prompt, its answer length and the metrics it counts in.</summary>
internal readonly record struct GenerationJob(ModelMetrics Metrics, int[] PromptTokenIds, int CompletionTokens)
{
    public int PromptTokens => PromptTokenIds.Length;
}

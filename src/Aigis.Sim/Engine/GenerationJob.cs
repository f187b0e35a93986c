using Aigis.Sim.Metrics;

namespace Aigis.Sim.Engine;

/// <summary>One request's work for the engine: its size and the metrics it counts in.</summary>
internal readonly record struct GenerationJob(ModelMetrics Metrics, int PromptTokens, int CompletionTokens);

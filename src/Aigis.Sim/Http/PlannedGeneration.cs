using Aigis.Sim.Engine;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Metrics;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>An accepted generation request with its answer decided, ready to be paced out.</summary>
internal sealed record PlannedGeneration(TextGenerationRequest Request, ModelMetrics Metrics, GeneratedCompletion Completion)
{
    public GenerationJob Job => new(Metrics, Request.PromptTokenIds, Completion.Tokens.Count);

    public TokenUsage Usage => new(Request.PromptTokens, Completion.Tokens.Count, Request.PromptTokens + Completion.Tokens.Count);

    public string FinishReason => Completion.FinishReason.ToWireName();
}

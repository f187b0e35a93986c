namespace Aigis.Sim.Http.Payloads;

/// <summary>OpenAI's usage block of a completion.</summary>
internal sealed record TokenUsage(int PromptTokens, int CompletionTokens, int TotalTokens);

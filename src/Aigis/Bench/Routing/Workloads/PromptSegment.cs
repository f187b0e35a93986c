namespace Aigis.Bench.Routing.Workloads;

/// <summary>
/// A piece of a prompt: an id that always stands for the same text, and its length in tokens. Requests whose
/// prompts start with the same segments share a prompt prefix.
/// </summary>
internal readonly record struct PromptSegment(string Id, int Tokens);

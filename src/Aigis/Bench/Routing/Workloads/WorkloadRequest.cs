namespace Aigis.Bench.Routing.Workloads;

/// <summary>One request of a workload: when it arrives, whose session it belongs to, its prompt and how much it generates.</summary>
/// <param name="AtMs">Arrival time in milliseconds from the workload's start.</param>
/// <param name="Session">The conversation it belongs to (the consistent-hash key), or null when it stands alone.</param>
/// <param name="Prompt">The prompt as the concatenation of its segments.</param>
/// <param name="MaxTokens">Tokens to generate; the simulated engine generates exactly this many.</param>
internal sealed record WorkloadRequest(double AtMs, string? Session, PromptSegment[] Prompt, int MaxTokens)
{
    public int PromptTokens
    {
        get
        {
            var total = 0;
            foreach (var segment in Prompt)
            {
                total += segment.Tokens;
            }

            return total;
        }
    }
}

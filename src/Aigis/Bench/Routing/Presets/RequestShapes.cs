namespace Aigis.Bench.Routing.Presets;

/// <summary>
/// Lengths of independent chat requests, close to ShareGPT's as vLLM's serving benchmark uses them: prompts with a
/// median of 600 tokens and a long tail, answers with a median of 180.
/// </summary>
internal static class RequestShapes
{
    public static int PromptTokens(PresetRandom random) => random.LogNormal(median: 600, sigma: 0.9, min: 16, max: 8_000);

    public static int AnswerTokens(PresetRandom random) => random.LogNormal(median: 180, sigma: 0.8, min: 8, max: 1_500);

    /// <summary>Milliseconds rounded to the microsecond, so written workloads read cleanly and round-trip exactly.</summary>
    public static double Ms(double ms) => Math.Round(ms, 3);
}

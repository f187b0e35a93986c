using System.Text.Json.Serialization;
using Aigis.Bench.Routing.Simulation;

namespace Aigis.Bench.Routing.Reporting;

/// <summary>One policy's result as <c>--json</c> prints it: the columns DESIGN.md fixes, nothing else.</summary>
internal sealed record PolicyResultLine(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("ttft_p50_ms")] double TtftP50Ms,
    [property: JsonPropertyName("ttft_p90_ms")] double TtftP90Ms,
    [property: JsonPropertyName("ttft_p99_ms")] double TtftP99Ms,
    [property: JsonPropertyName("e2e_p50_ms")] double E2eP50Ms,
    [property: JsonPropertyName("e2e_p99_ms")] double E2eP99Ms,
    [property: JsonPropertyName("tokens_per_s")] double TokensPerS,
    [property: JsonPropertyName("prefix_hit_rate")] double PrefixHitRate)
{
    /// <summary>Milliseconds and tokens/s to 0.1, the hit rate to 4 decimals: more digits would be noise.</summary>
    public static PolicyResultLine From(PolicyResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new PolicyResultLine(
            result.Policy,
            result.Requests,
            Math.Round(result.TtftP50Ms, 1),
            Math.Round(result.TtftP90Ms, 1),
            Math.Round(result.TtftP99Ms, 1),
            Math.Round(result.E2eP50Ms, 1),
            Math.Round(result.E2eP99Ms, 1),
            Math.Round(result.TokensPerSecond, 1),
            Math.Round(result.PrefixHitRate, 4));
    }
}

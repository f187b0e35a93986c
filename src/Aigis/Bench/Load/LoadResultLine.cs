using System.Text.Json.Serialization;

namespace Aigis.Bench.Load;

/// <summary>
/// A run as <c>--json</c> prints it: DESIGN.md's fields first (<c>rps, p50_ms, p90_ms, p99_ms, p999_ms, errors</c>),
/// then what helps read them.
/// </summary>
internal sealed record LoadResultLine(
    [property: JsonPropertyName("rps")] double Rps,
    [property: JsonPropertyName("p50_ms")] double P50Ms,
    [property: JsonPropertyName("p90_ms")] double P90Ms,
    [property: JsonPropertyName("p99_ms")] double P99Ms,
    [property: JsonPropertyName("p999_ms")] double P999Ms,
    [property: JsonPropertyName("errors")] int Errors,
    [property: JsonPropertyName("requests")] int Requests,
    [property: JsonPropertyName("max_ms")] double MaxMs,
    [property: JsonPropertyName("errors_by_status")] IReadOnlyDictionary<string, int> ErrorsByStatus)
{
    /// <summary>Rates and milliseconds to 0.01: finer would be noise.</summary>
    public static LoadResultLine From(LoadResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new LoadResultLine(
            Math.Round(result.Rps, 2),
            Math.Round(result.PercentileMs(50), 2),
            Math.Round(result.PercentileMs(90), 2),
            Math.Round(result.PercentileMs(99), 2),
            Math.Round(result.PercentileMs(99.9), 2),
            result.Errors,
            result.Requests,
            Math.Round(result.MaxMs, 2),
            new SortedDictionary<string, int>(result.ErrorsByKind.ToDictionary(), StringComparer.Ordinal));
    }
}

/// <summary>What the load benchmark serializes, without run-time reflection.</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(LoadResultLine))]
[JsonSerializable(typeof(string))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;

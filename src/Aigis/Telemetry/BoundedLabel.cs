using System.Collections.Concurrent;

namespace Aigis.Telemetry;

/// <summary>
/// Keeps a label's value set bounded: the first <c>capacity</c> distinct values pass as they are, every later one
/// becomes <see cref="Other"/>, and a missing value is <see cref="Unknown"/>. A label that can grow without bound
/// (tenants, models after many reloads) would otherwise grow every series it is on, and Prometheus with it.
/// </summary>
internal sealed class BoundedLabel(int capacity)
{
    public const string Other = "other";
    public const string Unknown = "unknown";

    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

    public string Of(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return Unknown;
        }

        if (_seen.TryGetValue(value, out var known))
        {
            return known;
        }

        // Racing adders may overshoot the capacity by a few; the bound is what matters, not its exact value.
        return _seen.Count < capacity ? _seen.GetOrAdd(value, value) : Other;
    }
}

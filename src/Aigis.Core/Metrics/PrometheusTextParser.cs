using System.Globalization;

namespace Aigis.Core.Metrics;

/// <summary>
/// Reads samples out of the Prometheus text exposition format (0.0.4): comments and blank lines skipped, label
/// sets with escaped quotes parsed (not split on commas), NaN and ±Inf understood, an optional timestamp ignored.
/// </summary>
public static class PrometheusTextParser
{
    /// <summary>
    /// Sums, per wanted metric name, the values of all its series (vLLM exposes one series per model). Names not
    /// present are absent from the result. Malformed lines are skipped, not fatal: one bad line from an upstream
    /// must not blind the balancer to the rest.
    /// </summary>
    public static Dictionary<string, double> SumByName(ReadOnlySpan<char> text, IReadOnlyCollection<string> wanted)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var rawLine in text.EnumerateLines())
        {
            var line = rawLine.Trim();
            if (line.IsEmpty || line[0] == '#')
            {
                continue;
            }

            if (!TryParseSample(line, out var name, out var value))
            {
                continue;
            }

            foreach (var candidate in wanted)
            {
                if (name.SequenceEqual(candidate))
                {
                    sums[candidate] = sums.GetValueOrDefault(candidate) + value;
                    break;
                }
            }
        }

        return sums;
    }

    /// <summary>Parses <c>name{labels} value [timestamp]</c>.</summary>
    public static bool TryParseSample(ReadOnlySpan<char> line, out ReadOnlySpan<char> name, out double value)
    {
        value = 0;
        var nameEnd = 0;
        while (nameEnd < line.Length && IsNameChar(line[nameEnd], nameEnd == 0))
        {
            nameEnd++;
        }

        name = line[..nameEnd];
        if (name.IsEmpty)
        {
            return false;
        }

        var rest = line[nameEnd..];
        if (!rest.IsEmpty && rest[0] == '{')
        {
            var close = FindLabelsEnd(rest);
            if (close < 0)
            {
                return false;
            }

            rest = rest[(close + 1)..];
        }

        rest = rest.TrimStart();
        var valueEnd = rest.IndexOfAny(' ', '\t');
        var valueText = valueEnd < 0 ? rest : rest[..valueEnd];
        return TryParseValue(valueText, out value);
    }

    private static bool TryParseValue(ReadOnlySpan<char> text, out double value)
    {
        switch (text)
        {
            case "NaN":
                value = double.NaN;
                return true;
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }

    /// <summary>Index of the closing brace of a label set, honouring quoted values with escapes; -1 if none.</summary>
    private static int FindLabelsEnd(ReadOnlySpan<char> text)
    {
        var inQuotes = false;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (inQuotes)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
            }
            else if (c == '}')
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsNameChar(char c, bool first) =>
        char.IsAsciiLetter(c) || c is '_' or ':' || (!first && char.IsAsciiDigit(c));
}

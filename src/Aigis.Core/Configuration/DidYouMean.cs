namespace Aigis.Core.Configuration;

/// <summary>Suggests the closest known name for a misspelt one (Levenshtein distance, case-insensitive).</summary>
public static class DidYouMean
{
    public static string? Suggest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(input.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        // Beyond about a third of the word, a "suggestion" is noise.
        var allowed = Math.Max(2, input.Length / 3);
        return bestDistance <= allowed ? best : null;
    }

    /// <summary>Appends "; did you mean 'x'?" when a close candidate exists, else lists the candidates.</summary>
    public static string Hint(string input, IReadOnlyCollection<string> candidates)
    {
        var suggestion = Suggest(input, candidates);
        return suggestion is not null
            ? $"; did you mean '{suggestion}'?"
            : $"; expected one of: {string.Join(", ", candidates)}";
    }

    private static int Distance(string a, string b)
    {
        Span<int> previous = stackalloc int[b.Length + 1];
        Span<int> current = stackalloc int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            current.CopyTo(previous);
        }

        return previous[b.Length];
    }
}

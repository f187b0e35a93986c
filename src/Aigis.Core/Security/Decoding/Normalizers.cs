namespace Aigis.Core.Security.Decoding;

/// <summary>
/// Rewrites of an already decoded value that rule families match against, each into a caller's buffer no
/// longer than the input.
/// </summary>
internal static class Normalizers
{
    /// <summary>
    /// The shell's view of a command line: the characters a shell drops while reading a word (quotes,
    /// backslashes, carets, and <c>$@</c> / <c>${IFS}</c> style spacers) removed or made spaces, line breaks as
    /// <c>;</c>, runs of white space as one. So <c>c\a"t /e't'c/pa''sswd</c> reads <c>cat /etc/passwd</c>, while
    /// the separators (<c>; | &amp; `</c>) that start a command stay where they were.
    /// </summary>
    public static int CommandLine(ReadOnlySpan<char> input, Span<char> output)
    {
        var w = 0;
        var lastWasSpace = false;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            switch (c)
            {
                case '\\' or '"' or '\'' or '^':
                    continue;
                case '$' when i + 1 < input.Length && input[i + 1] == '@':
                    i++;
                    continue;
                case '$' when input[(i + 1)..].StartsWith("{IFS}", StringComparison.OrdinalIgnoreCase) || input[(i + 1)..].StartsWith("IFS", StringComparison.OrdinalIgnoreCase):
                    i += input[i + 1] == '{' ? 5 : 3;
                    if (!lastWasSpace)
                    {
                        output[w++] = ' ';
                        lastWasSpace = true;
                    }

                    continue;
                case '\n' or '\r':
                    output[w++] = ';';
                    lastWasSpace = false;
                    continue;
                case ' ' or '\t' or '\f' or '\v':
                    if (!lastWasSpace)
                    {
                        output[w++] = ' ';
                        lastWasSpace = true;
                    }

                    continue;
                default:
                    output[w++] = c;
                    lastWasSpace = false;
                    continue;
            }
        }

        return w;
    }

    /// <summary>
    /// SQL as a database would tokenize it: <c>/* comments */</c> become one space (<c>UN/**/ION</c> is a
    /// classic filter evasion) and runs of white space collapse to one.
    /// </summary>
    public static int Sql(ReadOnlySpan<char> input, Span<char> output)
    {
        var w = 0;
        var lastWasSpace = false;
        for (var i = 0; i < input.Length; i++)
        {
            var c = input[i];
            if (c == '/' && i + 1 < input.Length && input[i + 1] == '*')
            {
                var end = input[(i + 2)..].IndexOf("*/");
                i = end < 0 ? input.Length : i + 2 + end + 1;
                c = ' ';
            }

            if (char.IsWhiteSpace(c))
            {
                if (!lastWasSpace)
                {
                    output[w++] = ' ';
                    lastWasSpace = true;
                }

                continue;
            }

            output[w++] = c;
            lastWasSpace = false;
        }

        return w;
    }

    /// <summary>Drops the invisible characters (zero-width spaces and joiners, soft hyphens, BOMs) used to split words past a filter.</summary>
    public static int RemoveInvisible(ReadOnlySpan<char> input, Span<char> output)
    {
        var w = 0;
        foreach (var c in input)
        {
            if (c is '\u200B' or '\u200C' or '\u200D' or '\u2060' or '\uFEFF' or '\u00AD')
            {
                continue;
            }

            output[w++] = c;
        }

        return w;
    }
}

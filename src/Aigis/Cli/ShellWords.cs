using System.Text;

namespace Aigis.Cli;

/// <summary>
/// Splits one string into words as a POSIX shell does (without expansions): blanks separate words; single quotes
/// keep everything literally; double quotes keep blanks, and a backslash in them escapes only <c>$ ` " \</c> and a
/// newline; outside quotes a backslash keeps the next character. Nothing else is special, so the config's
/// <c>{port}</c> and <c>{replica}</c> placeholders pass through for the deployer to expand.
/// </summary>
internal static class ShellWords
{
    /// <summary>The words, or why the text cannot be split (an unclosed quote, a trailing backslash).</summary>
    public static (IReadOnlyList<string>? Words, string? Error) Split(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case ' ' or '\t' or '\n':
                    if (inWord)
                    {
                        words.Add(word.ToString());
                        word.Clear();
                        inWord = false;
                    }

                    break;
                case '\'':
                    var close = text.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        return (null, $"unclosed single quote at character {i + 1}");
                    }

                    word.Append(text, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    var closed = false;
                    for (i++; i < text.Length; i++)
                    {
                        var d = text[i];
                        if (d == '"')
                        {
                            closed = true;
                            break;
                        }

                        if (d == '\\' && i + 1 < text.Length && text[i + 1] is '$' or '`' or '"' or '\\' or '\n')
                        {
                            i++;
                            if (text[i] != '\n')
                            {
                                word.Append(text[i]);
                            }

                            continue;
                        }

                        word.Append(d);
                    }

                    if (!closed)
                    {
                        return (null, "unclosed double quote");
                    }

                    break;
                case '\\':
                    if (i + 1 == text.Length)
                    {
                        return (null, "a backslash at the end escapes nothing");
                    }

                    i++;
                    if (text[i] != '\n')
                    {
                        // A backslash-newline joins lines; any other escaped character is kept as itself.
                        word.Append(text[i]);
                        inWord = true;
                    }

                    break;
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return (words, null);
    }
}

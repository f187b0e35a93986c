namespace Aigis.Core.Security.Tokenizing;

/// <summary>
/// Splits text into SQL tokens the way a database's lexer would, written from libinjection's published
/// description (tokenize, fold, judge the shape) rather than its code. Spelling does not matter: keywords in
/// any case, any white space (tabs, vertical tabs, form feeds, no-break spaces), comments between tokens,
/// MySQL's executable comments (<c>/*!50000UNION*/</c> is UNION), numbers with a dangling exponent
/// (<c>1.e(</c>, which MySQL reads as 1) all give the same tokens.
/// </summary>
/// <remarks>
/// A quote context makes the tokenizer start inside a string, as the server does when the value is pasted
/// between quotes: <c>x' OR 'a'='a</c> read after a <c>'</c> is the string <c>'x'</c>, OR, and a comparison.
/// Only the first <see cref="MaxTokens"/> tokens are kept (the shape of an injection is at its start, as in
/// libinjection's five-token fingerprints), so the cost is linear in the value and bounded per call.
/// </remarks>
internal static class SqlTokenizer
{
    public const int MaxTokens = 16;

    /// <summary>Tokenizes <paramref name="text"/> read after an opening <paramref name="quote"/> ('\0' for none).</summary>
    public static int Tokenize(ReadOnlySpan<char> text, char quote, Span<SqlToken> tokens)
    {
        var count = 0;
        var i = 0;
        if (quote != '\0')
        {
            var end = text.IndexOf(quote);
            var length = end < 0 ? text.Length : end;
            tokens[count++] = new SqlToken(SqlTokenKind.String, 0, length);
            i = end < 0 ? text.Length : end + 1;
        }

        while (i < text.Length && count < tokens.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                i++;
                continue;
            }

            var start = i;
            switch (c)
            {
                case '\'' or '"':
                    i = SkipString(text, i);
                    tokens[count++] = new SqlToken(SqlTokenKind.String, start, i - start);
                    continue;
                case '`':
                    i = SkipString(text, i);
                    tokens[count++] = new SqlToken(SqlTokenKind.Name, start, i - start);
                    continue;
                case '(':
                    tokens[count++] = new SqlToken(SqlTokenKind.OpenParen, i++, 1);
                    continue;
                case ')':
                    tokens[count++] = new SqlToken(SqlTokenKind.CloseParen, i++, 1);
                    continue;
                case ',':
                    tokens[count++] = new SqlToken(SqlTokenKind.Comma, i++, 1);
                    continue;
                case ';':
                    tokens[count++] = new SqlToken(SqlTokenKind.Semicolon, i++, 1);
                    continue;
                case '#':
                    tokens[count++] = new SqlToken(SqlTokenKind.Comment, i, text.Length - i);
                    i = text.Length;
                    continue;
                case '@':
                    i++;
                    while (i < text.Length && (char.IsAsciiLetterOrDigit(text[i]) || text[i] is '_' or '@' or '$' or '.'))
                    {
                        i++;
                    }

                    tokens[count++] = new SqlToken(SqlTokenKind.Variable, start, i - start);
                    continue;
            }

            if (c == '-' && At(text, i + 1) == '-')
            {
                tokens[count++] = new SqlToken(SqlTokenKind.Comment, i, text.Length - i);
                i = text.Length;
                continue;
            }

            if (c == '/' && At(text, i + 1) == '*')
            {
                if (At(text, i + 2) == '!')
                {
                    // MySQL runs what is inside /*! ... */ (after an optional version number): tokenize it.
                    i += 3;
                    while (i < text.Length && char.IsAsciiDigit(text[i]))
                    {
                        i++;
                    }

                    continue;
                }

                var close = text[(i + 2)..].IndexOf("*/");
                var length = close < 0 ? text.Length - i : close + 4;
                i += length;
                // A comment between two tokens is white space; only a comment that ends the text is a token.
                if (i >= text.Length)
                {
                    tokens[count++] = new SqlToken(SqlTokenKind.Comment, start, length);
                }

                continue;
            }

            if (c == '*' && At(text, i + 1) == '/')
            {
                i += 2; // the end of an executable comment
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(text, i + 1))))
            {
                i = SkipNumber(text, i);
                tokens[count++] = new SqlToken(SqlTokenKind.Number, start, i - start);
                continue;
            }

            if (char.IsLetter(c) || c is '_' or '$')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$' or '.'))
                {
                    i++;
                }

                var word = text[start..i].TrimEnd('.');
                i = start + word.Length;
                var kind = SqlKeywords.Classify(word);
                var next = SkipSpace(text, i);
                if (At(text, next) == '(' && SqlKeywords.IsFunction(word))
                {
                    tokens[count++] = new SqlToken(SqlTokenKind.Function, start, word.Length, SqlKeywords.IsDangerous(word));
                }
                else
                {
                    tokens[count++] = new SqlToken(kind, start, word.Length);
                }

                continue;
            }

            if (c is '&' or '|' && At(text, i + 1) == c)
            {
                tokens[count++] = new SqlToken(SqlTokenKind.Logic, i, 2);
                i += 2;
                continue;
            }

            if (c is '=' or '<' or '>' or '!' or '+' or '-' or '*' or '/' or '%' or '^' or '~' or '&' or '|' or ':')
            {
                while (i < text.Length && text[i] is '=' or '<' or '>' or '!' or ':')
                {
                    i++;
                }

                i = i == start ? i + 1 : i;
                tokens[count++] = new SqlToken(SqlTokenKind.Operator, start, i - start);
                continue;
            }

            // Anything else (letters of other scripts are words above; this is punctuation) ends the SQL.
            tokens[count++] = new SqlToken(SqlTokenKind.Name, i++, 1);
        }

        return count;
    }

    private static char At(ReadOnlySpan<char> text, int i) => i < text.Length ? text[i] : '\0';

    private static int SkipSpace(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>Past a quoted string; a doubled quote or a backslash escapes; an unterminated string runs to the end.</summary>
    private static int SkipString(ReadOnlySpan<char> text, int i)
    {
        var quote = text[i++];
        while (i < text.Length)
        {
            if (text[i] == '\\')
            {
                i += 2;
                continue;
            }

            if (text[i] == quote)
            {
                if (At(text, i + 1) == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return text.Length;
    }

    private static int SkipNumber(ReadOnlySpan<char> text, int i)
    {
        if (text[i] == '0' && At(text, i + 1) is 'x' or 'X' or 'b' or 'B')
        {
            i += 2;
            while (i < text.Length && char.IsAsciiHexDigit(text[i]))
            {
                i++;
            }

            return i;
        }

        while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (At(text, i) is 'e' or 'E')
        {
            // 1e5, and also MySQL's 1.e (no digits): "1.e(" and "1e1union" are a number then the rest.
            i++;
            if (At(text, i) is '+' or '-')
            {
                i++;
            }

            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        return i;
    }
}

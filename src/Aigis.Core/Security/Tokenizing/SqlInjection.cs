namespace Aigis.Core.Security.Tokenizing;

/// <summary>
/// Judges a value by the shape of its SQL tokens, read three ways (as is, after a <c>'</c>, after a <c>"</c>),
/// as libinjection does. What counts is structure an injection needs and prose does not have.
/// </summary>
/// <remarks>
/// Shapes (U union, E statement, s string, &amp; logic, o operator, c comment, f function, 1 number):
/// <list type="bullet">
/// <item><c>U [ALL|DISTINCT] [(] E</c> anywhere: a UNION SELECT.</item>
/// <item><c>; E x</c> with x not a plain word: a stacked statement (<c>; DROP TABLE</c>, <c>; SELECT 1</c>), not "; select one".</item>
/// <item>A breaking head (in a quote context: the text before the quote, short and without spaces, so
/// names like O'Brien and prose with apostrophes never qualify; as is: a number), then closing parentheses, then:
/// a comment (<c>admin'--</c>); a logic operator and a comparison, a function or a parenthesis
/// (<c>' OR 'a'='a</c>, <c>1 AND SLEEP(5)</c>); a bare operand and a comment (<c>' OR 1#</c>); in a quote
/// context an operator and an operand (<c>x'='x</c>, <c>'+sleep(5)+'</c>); ORDER/GROUP BY and a comment.</item>
/// <item>A dangerous function call (<c>SLEEP(</c>, <c>BENCHMARK(</c>, <c>EXTRACTVALUE(</c>) at the start or after an operator.</item>
/// </list>
/// </remarks>
public static class SqlInjection
{
    private const int MaxHeadLength = 40;

    public static bool IsInjection(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return false;
        }

        Span<SqlToken> tokens = stackalloc SqlToken[SqlTokenizer.MaxTokens];
        foreach (var quote in "\0'\"")
        {
            if (quote != '\0' && text.IndexOf(quote) < 0)
            {
                continue;
            }

            var count = SqlTokenizer.Tokenize(text, quote, tokens);
            if (Judge(text, tokens[..count], quote))
            {
                return true;
            }
        }

        return false;
    }

    private static bool Judge(ReadOnlySpan<char> text, ReadOnlySpan<SqlToken> t, char quote)
    {
        for (var i = 0; i < t.Length; i++)
        {
            var kind = t[i].Kind;
            if (kind == SqlTokenKind.Union)
            {
                var j = i + 1;
                if (j < t.Length && t[j].Kind == SqlTokenKind.Keyword && IsWord(text, t[j], "all", "distinct"))
                {
                    j++;
                }

                while (j < t.Length && t[j].Kind == SqlTokenKind.OpenParen)
                {
                    j++;
                }

                if (j < t.Length && t[j].Kind == SqlTokenKind.Statement && IsWord(text, t[j], "select"))
                {
                    return true;
                }
            }

            if (kind == SqlTokenKind.Semicolon && i + 1 < t.Length && t[i + 1].Kind == SqlTokenKind.Statement &&
                (i + 2 >= t.Length ? false : t[i + 2].Kind is not (SqlTokenKind.Name or SqlTokenKind.Comma)))
            {
                return true;
            }

            if (kind == SqlTokenKind.Function && t[i].Dangerous && (i == 0 || t[i - 1].Kind is SqlTokenKind.Operator or SqlTokenKind.Logic or SqlTokenKind.OpenParen or SqlTokenKind.Semicolon or SqlTokenKind.String or SqlTokenKind.Comma))
            {
                return true;
            }
        }

        return JudgeHead(text, t, quote);
    }

    private static bool JudgeHead(ReadOnlySpan<char> text, ReadOnlySpan<SqlToken> t, char quote)
    {
        if (t.Length < 2)
        {
            return false;
        }

        var head = t[0];
        if (quote != '\0')
        {
            var before = text.Slice(head.Start, head.Length);
            if (before.Length > MaxHeadLength || before.ContainsAny(" \t\r\n\u00a0"))
            {
                return false;
            }
        }
        else if (head.Kind is not SqlTokenKind.Number)
        {
            return false;
        }

        var i = 1;
        while (i < t.Length && t[i].Kind == SqlTokenKind.CloseParen)
        {
            i++;
        }

        if (i >= t.Length)
        {
            return false;
        }

        var next = t[i];
        switch (next.Kind)
        {
            case SqlTokenKind.Comment:
                return quote != '\0' || i > 1;
            case SqlTokenKind.Logic:
                return LogicTail(t[(i + 1)..]);
            case SqlTokenKind.Operator when quote != '\0':
                return i + 1 < t.Length && t[i + 1].Kind is SqlTokenKind.String or SqlTokenKind.Number or SqlTokenKind.Function or SqlTokenKind.Variable or SqlTokenKind.OpenParen;
            case SqlTokenKind.Keyword when IsWord(text, next, "order", "group", "having", "procedure", "limit"):
                return t[^1].Kind == SqlTokenKind.Comment || quote != '\0';
            default:
                return false;
        }
    }

    /// <summary>After AND/OR: a comparison, a function, a parenthesised expression, a variable, or a bare operand and a comment.</summary>
    private static bool LogicTail(ReadOnlySpan<SqlToken> tail)
    {
        if (tail.IsEmpty)
        {
            return false;
        }

        var first = tail[0].Kind;
        if (first is SqlTokenKind.Function or SqlTokenKind.OpenParen or SqlTokenKind.Variable or SqlTokenKind.Statement)
        {
            return true;
        }

        if (first is not (SqlTokenKind.Number or SqlTokenKind.String or SqlTokenKind.Name))
        {
            return false;
        }

        if (tail.Length == 1)
        {
            return false;
        }

        return tail[1].Kind is SqlTokenKind.Operator or SqlTokenKind.Comment or SqlTokenKind.Logic ||
            (first != SqlTokenKind.Name && tail[1].Kind is SqlTokenKind.Semicolon);
    }

    private static bool IsWord(ReadOnlySpan<char> text, SqlToken token, params ReadOnlySpan<string> words)
    {
        var word = text.Slice(token.Start, token.Length);
        foreach (var candidate in words)
        {
            if (word.Equals(candidate, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}

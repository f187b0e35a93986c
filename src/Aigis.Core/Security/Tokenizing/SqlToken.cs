namespace Aigis.Core.Security.Tokenizing;

/// <summary>
/// The kinds of SQL token, after libinjection's published classes (its one-letter names in brackets):
/// what matters for injection is the shape of the token sequence, not the words.
/// </summary>
internal enum SqlTokenKind : byte
{
    /// <summary>A bare word that is no keyword (n): a column, a table, or ordinary prose.</summary>
    Name,

    /// <summary>A number (1), also <c>0x41</c>, <c>1.e</c>, and TRUE/FALSE/NULL.</summary>
    Number,

    /// <summary>A quoted string (s); in a quote context the first one is the text before the breaking quote.</summary>
    String,

    /// <summary>A statement start (E): SELECT, INSERT, DROP, EXEC, WAITFOR, ...</summary>
    Statement,

    /// <summary>UNION (U).</summary>
    Union,

    /// <summary>Any other keyword (k): FROM, WHERE, ORDER, BY, ALL, ...</summary>
    Keyword,

    /// <summary>AND, OR, XOR, <c>&amp;&amp;</c>, <c>||</c> (&amp;).</summary>
    Logic,

    /// <summary>A comparison or arithmetic operator (o), also LIKE, IS, IN, BETWEEN.</summary>
    Operator,

    /// <summary>A known function name directly followed by '(' (f).</summary>
    Function,

    /// <summary>A variable (v): <c>@x</c>, <c>@@version</c>.</summary>
    Variable,

    OpenParen,
    CloseParen,
    Comma,
    Semicolon,

    /// <summary>A comment (c): <c>--</c>, <c>#</c>, <c>/* */</c>.</summary>
    Comment,
}

/// <summary>One token; <see cref="Start"/> and <see cref="Length"/> locate it in the tokenized text.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, bool Dangerous = false);

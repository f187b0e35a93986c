namespace Aigis.Sim.Output;

/// <summary>The vocabulary of generated answers: common English words that are one cl100k token each.</summary>
internal static class CompletionWords
{
    private static readonly string[] _words =
    [
        "the", "model", "answer", "request", "system", "data", "time", "value", "result", "first",
        "simple", "large", "small", "server", "token", "user", "question", "point", "because", "which",
        "about", "would", "could", "should", "there", "their", "other", "after", "before", "where",
        "while", "every", "under", "again", "never", "always", "often", "people", "world", "number",
        "part", "place", "case", "work", "week", "company", "group", "problem", "fact", "area",
        "and", "that", "with", "from", "this", "have", "more", "will", "some", "when",
        "make", "like", "long", "into", "over", "also", "back", "only", "then", "well",
    ];

    /// <summary>Each word with a leading space: the piece of a token inside a sentence.</summary>
    public static readonly string[] Inner = [.. _words.Select(word => " " + word)];

    /// <summary>Each word with a leading space and a full stop: the piece that ends a sentence.</summary>
    public static readonly string[] SentenceEnd = [.. _words.Select(word => " " + word + ".")];

    /// <summary>Each word capitalized, with no leading space: the answer's first piece.</summary>
    public static readonly string[] Opening = [.. _words.Select(word => char.ToUpperInvariant(word[0]) + word[1..])];

    public static int Count => _words.Length;
}

namespace Aigis.Telemetry;

/// <summary>The OpenTelemetry GenAI <c>gen_ai.operation.name</c> of a public path; null for paths that are not model calls.</summary>
internal static class GenAiOperation
{
    public const string Chat = "chat";
    public const string TextCompletion = "text_completion";
    public const string Embeddings = "embeddings";

    public static string? Of(string? path) => path switch
    {
        "/v1/chat/completions" or "/v1/chat/completions/" => Chat,
        "/v1/completions" or "/v1/completions/" => TextCompletion,
        "/v1/embeddings" or "/v1/embeddings/" => Embeddings,
        _ => null,
    };
}

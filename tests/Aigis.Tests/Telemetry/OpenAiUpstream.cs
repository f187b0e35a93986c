using System.Text.Json;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Telemetry;

/// <summary>A test upstream answering like an OpenAI server: JSON with <c>usage</c>, or a stream whose last chunk carries it.</summary>
internal static class OpenAiUpstream
{
    public const int PromptTokens = 12;
    public const int CompletionTokens = 5;

    public static Task<TestUpstream> StartAsync(string name) => TestUpstream.StartAsync(name, AnswerAsync);

    private static async Task AnswerAsync(HttpContext context, ReceivedRequest request)
    {
        using var body = JsonDocument.Parse(request.Body.Length == 0 ? "{}"u8.ToArray() : request.Body);
        var stream = body.RootElement.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        if (!stream)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$$"""{"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi there"}}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}}}""");
            return;
        }

        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < CompletionTokens; i++)
        {
            await context.Response.WriteAsync($$$"""data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"t{{{i}}} "}}]}""" + "\n\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync($$$"""data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{CompletionTokens}}},"total_tokens":{{{PromptTokens + CompletionTokens}}}}}""" + "\n\n");
        await context.Response.WriteAsync("data: [DONE]\n\n");
    }
}

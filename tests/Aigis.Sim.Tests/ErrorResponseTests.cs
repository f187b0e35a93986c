using System.Net;
using System.Text.Json;

namespace Aigis.Sim.Tests;

public sealed class ErrorResponseTests
{
    [Theory]
    [InlineData("{not json", null)]
    [InlineData("[1, 2]", null)]
    [InlineData("""{"model": "sim-llama-3-8b"}""", "messages")]
    [InlineData("""{"messages": [{"role": "user", "content": "hi"}]}""", "model")]
    [InlineData("""{"model": "sim-llama-3-8b", "messages": "hi"}""", "messages")]
    [InlineData("""{"model": "sim-llama-3-8b", "messages": []}""", "messages")]
    [InlineData("""{"model": "sim-llama-3-8b", "messages": [{"content": "hi"}]}""", "messages[0].role")]
    [InlineData("""{"model": "sim-llama-3-8b", "messages": [{"role": "user", "content": 5}]}""", "messages[0].content")]
    [InlineData("""{"model": "sim-llama-3-8b", "max_tokens": "5", "messages": [{"role": "user", "content": "hi"}]}""", "max_tokens")]
    [InlineData("""{"model": "sim-llama-3-8b", "max_tokens": 0, "messages": [{"role": "user", "content": "hi"}]}""", "max_tokens")]
    [InlineData("""{"model": "sim-llama-3-8b", "stream": "yes", "messages": [{"role": "user", "content": "hi"}]}""", "stream")]
    public async Task Bad_chat_request_is_a_400_in_openai_shape(string body, string? param)
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("v1/chat/completions", body, HttpStatusCode.BadRequest);

        var error = AssertOpenAiError(document);
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]}""")]
    [InlineData("v1/completions", """{"model": "gpt-4o", "prompt": "hi"}""")]
    [InlineData("v1/embeddings", """{"model": "gpt-4o", "input": "hi"}""")]
    public async Task Unknown_model_is_a_404_model_not_found(string path, string body)
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync(path, body, HttpStatusCode.NotFound);

        var error = AssertOpenAiError(document);
        Assert.Equal("model_not_found", error.GetProperty("code").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("gpt-4o", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_is_not_served_by_the_embed_profile()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Profile = SimProfile.Embed });

        using var document = await sim.PostForJsonAsync(
            "v1/chat/completions",
            """{"model": "sim-embed", "messages": [{"role": "user", "content": "hi"}]}""",
            HttpStatusCode.NotFound);

        Assert.Equal("Invalid URL (POST /v1/chat/completions)", AssertOpenAiError(document).GetProperty("message").GetString());
    }

    [Fact]
    public async Task Bad_embedding_input_is_a_400()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": [1, 2]}""", HttpStatusCode.BadRequest);

        Assert.Equal("input[0]", AssertOpenAiError(document).GetProperty("param").GetString());
    }

    private static JsonElement AssertOpenAiError(JsonDocument document)
    {
        var error = document.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        Assert.True(error.TryGetProperty("param", out _));
        Assert.True(error.TryGetProperty("code", out _));
        return error;
    }
}

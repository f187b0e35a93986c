using System.Text.Json;

namespace Aigis.Sim.Tests;

public sealed class ChatCompletionsTests
{
    private const string HelloRequest = """
        {"model": "sim-llama-3-8b", "messages": [{"role": "user", "content": "Hello, world!"}]}
        """;

    [Fact]
    public async Task Chat_completion_has_openai_shape_and_usage_counts()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("v1/chat/completions", HelloRequest);

        var root = document.RootElement;
        Assert.StartsWith("chatcmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.True(root.GetProperty("created").GetInt64() > 1_600_000_000);
        Assert.Equal("sim-llama-3-8b", root.GetProperty("model").GetString());
        var choice = Assert.Single(root.GetProperty("choices").EnumerateArray());
        Assert.Equal(0, choice.GetProperty("index").GetInt32());
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var content = choice.GetProperty("message").GetProperty("content").GetString()!;
        var usage = root.GetProperty("usage");
        // OpenAI's count for one message: 3 + role (1) + "Hello, world!" (4) + 3 to prime the reply.
        Assert.Equal(11, usage.GetProperty("prompt_tokens").GetInt32());
        var completionTokens = usage.GetProperty("completion_tokens").GetInt32();
        Assert.Equal(content.Split(' ').Length, completionTokens);
        Assert.InRange(completionTokens, 16, SimTestServer.Fast.MaxTokensDefault);
        Assert.Equal(11 + completionTokens, usage.GetProperty("total_tokens").GetInt32());
    }

    [Fact]
    public async Task Same_seed_and_prompt_give_the_same_answer_and_another_seed_another()
    {
        var first = await AnswerAsync(seed: 7, HelloRequest);
        var again = await AnswerAsync(seed: 7, HelloRequest);
        var otherSeed = await AnswerAsync(seed: 8, HelloRequest);
        var otherPrompt = await AnswerAsync(seed: 7, HelloRequest.Replace("Hello", "Goodbye", StringComparison.Ordinal));

        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
        Assert.NotEqual(first, otherPrompt);
    }

    [Fact]
    public async Task Max_tokens_sets_the_answer_length_and_finish_reason_length()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_tokens": 5, "messages": [{"role": "user", "content": "Count to ten."}]}
            """);

        var choice = document.RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, choice.GetProperty("message").GetProperty("content").GetString()!.Split(' ').Length);
        Assert.Equal(5, document.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Fact]
    public async Task Max_completion_tokens_and_text_parts_are_understood()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_completion_tokens": 3, "n": 1,
             "messages": [{"role": "system", "content": "Be brief."},
                          {"role": "user", "content": [{"type": "text", "text": "Hello"}, {"type": "text", "text": " there"}]}]}
            """);

        Assert.Equal(3, document.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.True(document.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32() > 10);
    }

    [Fact]
    public async Task Prompt_longer_than_the_context_window_is_refused()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { MaxModelLength = 32, MaxTokensDefault = 16 });

        using var document = await sim.PostForJsonAsync(
            "v1/chat/completions",
            """{"model": "sim-llama-3-8b", "max_tokens": 30, "messages": [{"role": "user", "content": "Hello, world!"}]}""",
            System.Net.HttpStatusCode.BadRequest);

        var error = document.RootElement.GetProperty("error");
        Assert.Equal("context_length_exceeded", error.GetProperty("code").GetString());
        Assert.Contains("maximum context length is 32 tokens", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private static async Task<string> AnswerAsync(long seed, string request)
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Seed = seed });
        using var document = await sim.PostForJsonAsync("v1/chat/completions", request);
        return document.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}

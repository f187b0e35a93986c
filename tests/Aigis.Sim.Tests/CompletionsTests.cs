namespace Aigis.Sim.Tests;

public sealed class CompletionsTests
{
    [Fact]
    public async Task Text_completion_has_openai_shape()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var document = await sim.PostForJsonAsync("v1/completions", """
            {"model": "sim-llama-3-8b", "prompt": "Once upon a time", "max_tokens": 6}
            """);

        var root = document.RootElement;
        Assert.StartsWith("cmpl-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("text_completion", root.GetProperty("object").GetString());
        var choice = Assert.Single(root.GetProperty("choices").EnumerateArray());
        Assert.Equal(6, choice.GetProperty("text").GetString()!.Split(' ').Length);
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(4, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(10, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
    }
}

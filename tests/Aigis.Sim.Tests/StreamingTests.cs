using System.Net.Http.Headers;
using System.Text;
using Aigis.Sim.Engine;

namespace Aigis.Sim.Tests;

public sealed class StreamingTests
{
    // One decode step takes this long (the step overhead dominates a batch of one).
    private static readonly TimeSpan _interTokenLatency = TimeSpan.FromMilliseconds(150);

    [Fact]
    public async Task Chat_stream_sends_one_event_per_token_as_produced_and_ends_with_done()
    {
        // Real time: four tokens 150 ms apart, so the whole stream takes about half a second.
        var options = new SimOptions { Engine = new EngineOptions { Cost = new StepCostModel { StepOverheadMs = _interTokenLatency.TotalMilliseconds } } };
        await using var sim = await SimTestServer.StartAsync(options);
        var start = TimeProvider.System.GetTimestamp();

        using var response = await SendStreamingAsync(sim, "v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_tokens": 4, "stream": true, "stream_options": {"include_usage": true},
             "messages": [{"role": "user", "content": "Tell me a story."}]}
            """);
        var events = await ServerSentEvents.ReadAllAsync(response, start);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(7, events.Count);
        var tokens = events.Take(4).Select(e => e.Json).ToList();
        Assert.All(tokens, chunk => Assert.Equal("chat.completion.chunk", chunk.GetProperty("object").GetString()));
        Assert.Equal("assistant", tokens[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        Assert.All(tokens.Skip(1), chunk => Assert.False(chunk.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("role", out _)));
        Assert.Single(tokens.Select(chunk => chunk.GetProperty("id").GetString()).Distinct());
        Assert.Equal("length", events[4].Json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(4, events[5].Json.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Empty(events[5].Json.GetProperty("choices").EnumerateArray());
        Assert.True(events[6].IsDone);
        // Tokens 0 and 3 are produced 450 ms apart; the first must not wait for the whole answer.
        Assert.True(
            events[3].ArrivedAfter - events[0].ArrivedAfter >= 2 * _interTokenLatency,
            $"first token at {events[0].ArrivedAfter}, last at {events[3].ArrivedAfter}");
    }

    [Fact]
    public async Task Streamed_text_equals_the_non_streamed_answer()
    {
        await using var sim = await SimTestServer.StartAsync();
        const string Messages = """ "messages": [{"role": "user", "content": "Same question."}] """;

        using var whole = await sim.PostForJsonAsync("v1/chat/completions", $$"""{"model": "sim-llama-3-8b", {{Messages}} }""");
        using var response = await SendStreamingAsync(sim, "v1/chat/completions", $$"""{"model": "sim-llama-3-8b", "stream": true, {{Messages}} }""");
        var events = await ServerSentEvents.ReadAllAsync(response, TimeProvider.System.GetTimestamp());

        var streamed = new StringBuilder();
        foreach (var received in events.Where(e => !e.IsDone))
        {
            if (received.Json.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var content))
            {
                streamed.Append(content.GetString());
            }
        }

        Assert.Equal(whole.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), streamed.ToString());
        Assert.Equal("stop", events[^2].Json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Text_completion_stream_uses_text_completion_chunks()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var response = await SendStreamingAsync(sim, "v1/completions", """
            {"model": "sim-llama-3-8b", "prompt": "Once upon a time", "max_tokens": 3, "stream": true}
            """);
        var events = await ServerSentEvents.ReadAllAsync(response, TimeProvider.System.GetTimestamp());

        Assert.Equal(5, events.Count);
        Assert.All(events.Take(4), e => Assert.Equal("text_completion", e.Json.GetProperty("object").GetString()));
        Assert.All(events.Take(3), e => Assert.NotEmpty(e.Json.GetProperty("choices")[0].GetProperty("text").GetString()!));
        Assert.Equal("length", events[3].Json.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.True(events[4].IsDone);
    }

    internal static async Task<HttpResponseMessage> SendStreamingAsync(SimTestServer sim, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(json, new MediaTypeHeaderValue("application/json")),
        };
        var response = await sim.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"status {response.StatusCode}");
        return response;
    }
}

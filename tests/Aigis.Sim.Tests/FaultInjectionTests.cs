using System.Net;
using System.Text.Json;
using Aigis.Sim.Engine;
using Aigis.Sim.Faults;

namespace Aigis.Sim.Tests;

public sealed class FaultInjectionTests
{
    private const string Embedding = """{"model": "sim-llama-3-8b", "input": "hi"}""";

    [Theory]
    [InlineData(false, "v1/chat/completions", """{"model": "sim-llama-3-8b", "messages": [{"role": "user", "content": "hi"}]}""")]
    [InlineData(false, "v1/completions", """{"model": "sim-llama-3-8b", "prompt": "hi"}""")]
    [InlineData(false, "v1/embeddings", Embedding)]
    [InlineData(true, "v1/classify", """{"model": "sim-vision", "image": "aGVsbG8="}""")]
    public async Task Error_rate_one_answers_every_model_endpoint_with_the_set_status_in_openai_shape(bool classifier, string path, string body)
    {
        var profile = classifier ? SimProfile.Classifier : SimProfile.Llm;
        var faults = new FaultSettings { ErrorRate = 1, ErrorStatus = 503 };
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Profile = profile, Faults = faults });

        using var document = await sim.PostForJsonAsync(path, body, HttpStatusCode.ServiceUnavailable);

        var error = document.RootElement.GetProperty("error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal(InjectedError.Code, error.GetProperty("code").GetString());
        Assert.Contains("503", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_rate_is_near_the_set_rate_and_the_same_requests_fail_on_every_run_with_the_seed()
    {
        var options = SimTestServer.Fast with { Seed = 5, Faults = new FaultSettings { ErrorRate = 0.3 } };

        var first = await FailurePatternAsync(options, requests: 200);
        var again = await FailurePatternAsync(options, requests: 200);
        var otherSeed = await FailurePatternAsync(options with { Seed = 6 }, requests: 200);

        // Binomial(200, 0.3): mean 60, standard deviation 6.5.
        Assert.InRange(first.Count(failed => failed), 35, 85);
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public async Task Faults_never_touch_health_metrics_models_or_admin()
    {
        var faults = new FaultSettings { ErrorRate = 1, Hang = true, LatencyMs = FaultSettings.MaxLatencyMs, StreamCutAfter = 0, MalformedStream = true };
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = faults });
        sim.Client.Timeout = TimeSpan.FromSeconds(5);

        Assert.Equal("""{"status":"ok"}""", await sim.GetStringAsync("health"));
        Assert.Contains("vllm:num_requests_running", await sim.GetStringAsync("metrics"), StringComparison.Ordinal);
        Assert.Contains("sim-llama-3-8b", await sim.GetStringAsync("v1/models"), StringComparison.Ordinal);
        Assert.Contains("\"hang\":true", await sim.GetStringAsync("admin/faults"), StringComparison.Ordinal);
        using var unknownPath = await sim.PostForJsonAsync("v1/nothing", Embedding, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Latency_is_added_before_answering()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { LatencyMs = 300 } });
        var start = TimeProvider.System.GetTimestamp();

        using var _ = await sim.PostForJsonAsync("v1/embeddings", Embedding);

        // System timers count whole milliseconds against a coarser tick and can fire a little before the
        // Stopwatch says the time is up; a slack of 10 ms still tells "delayed" from "not delayed".
        var elapsed = TimeProvider.System.GetElapsedTime(start);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(290), $"answered after {elapsed.TotalMilliseconds} ms");
        Assert.Contains("""aigis_sim:faults_injected_total{kind="latency"} 1""", await sim.GetStringAsync("metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hang_never_answers_until_the_client_leaves_and_ends_when_faults_are_cleared()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { Hang = true } });
        using var leave = new CancellationTokenSource();

        var hung = sim.Client.PostAsync(new Uri("v1/embeddings", UriKind.Relative), new StringContent(Embedding), leave.Token);
        await Assert.ThrowsAsync<TimeoutException>(() => hung.WaitAsync(TimeSpan.FromMilliseconds(500)));
        await leave.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => hung);
        Assert.Contains("""aigis_sim:faults_injected_total{kind="hang"} 1""", await sim.GetStringAsync("metrics"), StringComparison.Ordinal);
        using var cleared = await sim.Client.DeleteAsync(new Uri("admin/faults", UriKind.Relative));
        using var answered = await sim.PostForJsonAsync("v1/embeddings", Embedding);
    }

    [Theory]
    [InlineData("v1/chat/completions", """{"model": "sim-llama-3-8b", "max_tokens": 8, "stream": true, "messages": [{"role": "user", "content": "hi"}]}""", 2)]
    [InlineData("v1/completions", """{"model": "sim-llama-3-8b", "max_tokens": 8, "stream": true, "prompt": "hi"}""", 3)]
    [InlineData("v1/chat/completions", """{"model": "sim-llama-3-8b", "max_tokens": 8, "stream": true, "messages": [{"role": "user", "content": "hi"}]}""", 0)]
    public async Task Stream_is_cut_after_n_events_without_a_clean_end(string path, string body, int cutAfter)
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { StreamCutAfter = cutAfter } });

        using var response = await StreamingTests.SendStreamingAsync(sim, path, body);
        var (events, cut) = await ReadUntilCutAsync(response);

        Assert.True(cut, "the stream ended cleanly");
        Assert.Equal(cutAfter, events.Count);
        Assert.All(events, received => Assert.False(received.IsDone));
    }

    [Fact]
    public async Task Malformed_stream_sends_a_non_json_data_line_after_the_first_event_then_finishes()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { MalformedStream = true } });

        using var response = await StreamingTests.SendStreamingAsync(sim, "v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_tokens": 3, "stream": true, "messages": [{"role": "user", "content": "hi"}]}
            """);
        var events = await ServerSentEvents.ReadAllAsync(response, TimeProvider.System.GetTimestamp());

        Assert.Equal("chat.completion.chunk", events[0].Json.GetProperty("object").GetString());
        Assert.ThrowsAny<JsonException>(() => events[1].Json);
        Assert.All(events.Skip(2).SkipLast(1), received => Assert.Equal("chat.completion.chunk", received.Json.GetProperty("object").GetString()));
        Assert.True(events[^1].IsDone);
        Assert.Equal(6, events.Count);
    }

    [Fact]
    public async Task Stream_faults_leave_answers_that_are_not_streamed_alone()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Faults = new FaultSettings { StreamCutAfter = 0, MalformedStream = true } });

        using var document = await sim.PostForJsonAsync("v1/chat/completions", """{"model": "sim-llama-3-8b", "messages": [{"role": "user", "content": "hi"}]}""");

        Assert.Equal("chat.completion", document.RootElement.GetProperty("object").GetString());
    }

    [Fact]
    public async Task Latency_applies_to_a_request_already_streaming_only_before_it_starts()
    {
        // A slow stream: faults set after it started do not reach it, as the decision is made on arrival.
        var options = new SimOptions { Engine = new Aigis.Sim.Engine.EngineOptions { Cost = new Aigis.Sim.Engine.StepCostModel { StepOverheadMs = 20 } } };
        await using var sim = await SimTestServer.StartAsync(options);

        using var response = await StreamingTests.SendStreamingAsync(sim, "v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_tokens": 10, "stream": true, "messages": [{"role": "user", "content": "hi"}]}
            """);
        using var _ = await sim.PostAsync("admin/faults", """{"stream_cut_after": 1}""");
        var events = await ServerSentEvents.ReadAllAsync(response, TimeProvider.System.GetTimestamp());

        Assert.True(events[^1].IsDone);
    }

    private static async Task<List<bool>> FailurePatternAsync(SimOptions options, int requests)
    {
        await using var sim = await SimTestServer.StartAsync(options);
        var pattern = new List<bool>(requests);
        for (var index = 0; index < requests; index++)
        {
            using var response = await sim.PostAsync("v1/embeddings", Embedding);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.InternalServerError, $"status {response.StatusCode}");
            pattern.Add(response.StatusCode == HttpStatusCode.InternalServerError);
        }

        return pattern;
    }

    /// <summary>Reads events until the stream ends; says whether it ended by a cut connection rather than cleanly.</summary>
    internal static async Task<(List<ReceivedEvent> Events, bool Cut)> ReadUntilCutAsync(HttpResponseMessage response)
    {
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<ReceivedEvent>();
        try
        {
            while (await ServerSentEvents.ReadNextAsync(reader, TimeProvider.System.GetTimestamp()) is { } received)
            {
                events.Add(received);
            }
        }
        catch (IOException)
        {
            return (events, true);
        }

        return (events, false);
    }
}

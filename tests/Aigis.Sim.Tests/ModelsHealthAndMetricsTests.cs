using System.Text.Json;
using Aigis.Sim.Engine;

namespace Aigis.Sim.Tests;

public sealed class ModelsHealthAndMetricsTests
{
    [Fact]
    public async Task Models_lists_every_served_model()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Models = ["alpha", "beta"] });

        using var document = JsonDocument.Parse(await sim.GetStringAsync("v1/models"));

        Assert.Equal("list", document.RootElement.GetProperty("object").GetString());
        var models = document.RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["alpha", "beta"], models.Select(model => model.GetProperty("id").GetString()));
        Assert.All(models, model =>
        {
            Assert.Equal("model", model.GetProperty("object").GetString());
            Assert.Equal("aigis-sim", model.GetProperty("owned_by").GetString());
            Assert.True(model.GetProperty("created").GetInt64() > 0);
        });
    }

    [Fact]
    public async Task Health_is_ok()
    {
        await using var sim = await SimTestServer.StartAsync();

        Assert.Equal("""{"status":"ok"}""", await sim.GetStringAsync("health"));
    }

    [Fact]
    public async Task Metrics_show_a_running_request_while_a_slow_stream_is_open_and_count_it_after_disconnect()
    {
        // One engine step a second: the stream stays open for the whole test unless the client leaves.
        var options = new SimOptions { Engine = new EngineOptions { Cost = new StepCostModel { StepOverheadMs = 1_000 } } };
        await using var sim = await SimTestServer.StartAsync(options);
        Assert.Contains("""vllm:num_requests_running{model_name="sim-llama-3-8b"} 0""", await sim.GetStringAsync("metrics"), StringComparison.Ordinal);

        var response = await StreamingTests.SendStreamingAsync(sim, "v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_tokens": 30, "stream": true, "messages": [{"role": "user", "content": "Hello, world!"}]}
            """);
        using (var reader = new StreamReader(await response.Content.ReadAsStreamAsync()))
        {
            Assert.NotNull(await ServerSentEvents.ReadNextAsync(reader, TimeProvider.System.GetTimestamp()));

            var during = await sim.GetStringAsync("metrics");
            Assert.Contains("# TYPE vllm:num_requests_running gauge", during, StringComparison.Ordinal);
            Assert.Contains("""vllm:num_requests_running{model_name="sim-llama-3-8b"} 1""", during, StringComparison.Ordinal);
            Assert.Contains("""vllm:num_requests_waiting{model_name="sim-llama-3-8b"} 0""", during, StringComparison.Ordinal);
            Assert.Contains("""vllm:prompt_tokens_total{model_name="sim-llama-3-8b"} 11""", during, StringComparison.Ordinal);
        }

        response.Dispose();

        var after = await WaitForMetricsAsync(sim, """vllm:num_requests_running{model_name="sim-llama-3-8b"} 0""");
        Assert.Contains("""vllm:request_success_total{model_name="sim-llama-3-8b"} 0""", after, StringComparison.Ordinal);
        Assert.Contains("# TYPE vllm:generation_tokens_total counter", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_count_completed_requests_and_tokens()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var _ = await sim.PostForJsonAsync("v1/chat/completions", """
            {"model": "sim-llama-3-8b", "max_tokens": 7, "messages": [{"role": "user", "content": "Hello, world!"}]}
            """);
        var metrics = await sim.GetStringAsync("metrics");

        Assert.Contains("""vllm:request_success_total{model_name="sim-llama-3-8b"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""vllm:prompt_tokens_total{model_name="sim-llama-3-8b"} 11""", metrics, StringComparison.Ordinal);
        Assert.Contains("""vllm:generation_tokens_total{model_name="sim-llama-3-8b"} 7""", metrics, StringComparison.Ordinal);
    }

    /// <summary>Polls /metrics until it contains <paramref name="expected"/>; the server notices a disconnect within milliseconds.</summary>
    private static async Task<string> WaitForMetricsAsync(SimTestServer sim, string expected)
    {
        var start = TimeProvider.System.GetTimestamp();
        string metrics;
        do
        {
            metrics = await sim.GetStringAsync("metrics");
        }
        while (!metrics.Contains(expected, StringComparison.Ordinal) && TimeProvider.System.GetElapsedTime(start) < TimeSpan.FromSeconds(5));

        Assert.Contains(expected, metrics, StringComparison.Ordinal);
        return metrics;
    }
}

using Aigis.Sim.Engine;
using Aigis.Sim.Faults;

namespace Aigis.Sim.Tests;

public sealed class FaultCrashTests
{
    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(10);

    internal const string SlowStream = """
        {"model": "sim-llama-3-8b", "max_tokens": 50, "stream": true, "messages": [{"role": "user", "content": "hi"}]}
        """;

    [Fact]
    public async Task Crash_after_cuts_streams_in_flight_and_stops_an_in_process_server()
    {
        // Five tokens a second: the stream is still open when the second request arrives.
        var options = new SimOptions
        {
            Engine = new Aigis.Sim.Engine.EngineOptions { Cost = new Aigis.Sim.Engine.StepCostModel { StepOverheadMs = 200 } },
            Faults = new FaultSettings { CrashAfter = 2 },
        };
        await using var sim = await SimTestServer.StartAsync(options);
        using var stream = await StreamingTests.SendStreamingAsync(sim, "v1/chat/completions", SlowStream);
        using var reader = new StreamReader(await stream.Content.ReadAsStreamAsync());
        Assert.NotNull(await ServerSentEvents.ReadNextAsync(reader, TimeProvider.System.GetTimestamp()));

        await Assert.ThrowsAsync<HttpRequestException>(() => sim.PostAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hi"}"""));

        Assert.True(await IsCutAsync(reader), "the stream in flight ended cleanly");
        await sim.Server.WaitForShutdownAsync(CancellationToken.None).WaitAsync(_timeout);
        await Assert.ThrowsAsync<HttpRequestException>(() => sim.GetStringAsync("health"));
    }

    [Fact]
    public async Task Crash_after_set_at_run_time_counts_model_requests_from_then_on()
    {
        await using var sim = await SimTestServer.StartAsync();
        using var before = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hi"}""");

        using var _ = await sim.PostAsync("admin/faults", """{"crash_after": 2}""");
        // Neither health checks nor the admin API count as model requests.
        Assert.Equal("""{"status":"ok"}""", await sim.GetStringAsync("health"));
        Assert.Contains("\"crash_after\":2", await sim.GetStringAsync("admin/faults"), StringComparison.Ordinal);
        using var first = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hi"}""");

        await Assert.ThrowsAsync<HttpRequestException>(() => sim.PostAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hi"}"""));
        await sim.Server.WaitForShutdownAsync(CancellationToken.None).WaitAsync(_timeout);
    }

    /// <summary>Reads the rest of a stream; true when it ends by a dropped connection rather than with [DONE] and a clean end.</summary>
    internal static async Task<bool> IsCutAsync(StreamReader reader)
    {
        try
        {
            while (await ServerSentEvents.ReadNextAsync(reader, TimeProvider.System.GetTimestamp()) is { } received)
            {
                if (received.IsDone)
                {
                    return false;
                }
            }

            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}

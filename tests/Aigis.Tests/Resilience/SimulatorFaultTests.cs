using System.Net;
using Aigis.Sim;
using Aigis.Sim.Faults;
using Aigis.Sim.Http;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Resilience;

/// <summary>The simulator's own faults, through the gateway: what a client sees when real-looking replicas fail.</summary>
public sealed class SimulatorFaultTests
{
    private const string Model = "sim-llama-3-8b";

    [Fact]
    public async Task Errors_of_one_replica_are_hidden_by_retries_and_eject_it()
    {
        await using var failing = await SimServer.StartAsync(new SimOptions { TimeScale = 50, Seed = 1, Faults = new FaultSettings { ErrorRate = 1, ErrorStatus = 503 } }, CancellationToken.None);
        await using var healthy = await SimServer.StartAsync(new SimOptions { TimeScale = 50, Seed = 2 }, CancellationToken.None);
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [{Model}]
                instances: [{"{"}id: failing, url: "{failing.BaseAddress}"{"}"}, {"{"}id: healthy, url: "{healthy.BaseAddress}"{"}"}]
            """);

        for (var i = 0; i < 12; i++)
        {
            var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"{{Model}}","max_tokens":4,"messages":[{"role":"user","content":"hi {{i}}"}]}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.False(gateway.Host.State.Routes.ByName["chat"].Instances.Single(i => i.Id == "failing").IsHealthy);
    }

    [Theory]
    [InlineData("stream_cut")]
    [InlineData("malformed")]
    public async Task A_broken_simulator_stream_never_looks_finished(string fault)
    {
        var faults = fault == "stream_cut" ? new FaultSettings { StreamCutAfter = 2 } : new FaultSettings { MalformedStream = true };
        await using var sim = await SimServer.StartAsync(new SimOptions { TimeScale = 50, Seed = 3, Faults = faults }, CancellationToken.None);
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [{Model}], instances: ["{sim.BaseAddress}"]{"}"}
            """);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json.Body($$"""{"model":"{{Model}}","stream":true,"max_tokens":16,"messages":[{"role":"user","content":"tell me a story"}]}"""),
        };
        using var response = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Either the break came after the first event (an error event ends the stream) or with it, before anything
        // reached the client (a 502 answer, as there is no other replica to retry on). Never a [DONE].
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.EndsWith("\"code\":\"upstream_stream_error\"}}\n\n", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        }
    }
}

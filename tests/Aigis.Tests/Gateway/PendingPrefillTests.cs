using System.Net;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Gateway;

/// <summary>
/// The prefill an instance owes, as prefix-aware, peak-ewma and consistent-hash read it: counted from the request's size
/// when it is sent, settled when the first body byte comes back, and settled too when the attempt fails, so it never drifts.
/// </summary>
public sealed class PendingPrefillTests
{
    [Theory]
    [InlineData("prefix-aware")]
    [InlineData("peak-ewma")]
    [InlineData("consistent-hash")]
    [InlineData("round-robin")]
    public async Task A_request_owes_its_prompt_until_the_first_body_byte_then_nothing(string balancer)
    {
        var firstByte = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("slow", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.StartAsync();
            await firstByte.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("data: [DONE]\n\n");
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
            - name: chat
              kind: llm
              models: [m]
              balancer: {balancer}
              instances: [{upstream.Url}]
            """);
        var instance = gateway.Host.State.Routes.ByName["chat"].Instances[0];
        var prompt = new string('x', 12_800);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json.Body($$"""{"model":"m","stream":true,"messages":[{"role":"user","content":"{{prompt}}"}]}"""),
        };
        var sending = gateway.Public.SendAsync(request);

        // The upstream has the request but sent no body byte: the whole prompt (about 100 blocks of 128 bytes) is owed.
        // (prefix-aware also scrapes the upstream's /metrics, so look for the completion itself.)
        await Eventually.TrueAsync(() => upstream.Received.Any(r => r.Path == "/v1/chat/completions"), TimeSpan.FromSeconds(30),
            () => $"the upstream never got the request; the client's send is {sending.Status} {sending.Exception?.InnerException?.Message}");
        Assert.InRange(instance.PendingPrefill, 100, 110);

        // Operators see the same figure: in the admin API and in /metrics.
        var view = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/instances"))).GetProperty("data")[0];
        Assert.Equal(instance.PendingPrefill, view.GetProperty("prefill_owed").GetInt64());
        var samples = Telemetry.PrometheusSamples.Parse(await gateway.AdminApi.GetStringAsync("/metrics"));
        Assert.Equal(instance.PendingPrefill, Telemetry.PrometheusSamples.Sum(samples, "aigis_instance_prefill_owed", ("service", "chat")));

        firstByte.SetResult();
        using var response = await sending;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("data: [DONE]\n\n", await response.Content.ReadAsStringAsync());
        await Eventually.TrueAsync(() => instance.PendingPrefill == 0, TimeSpan.FromSeconds(10), () => $"pending prefill {instance.PendingPrefill}");
    }

    [Fact]
    public async Task A_failed_attempt_settles_what_it_owed()
    {
        // A port nobody listens on: the connect fails and the attempt ends without a byte.
        var closed = new Uri($"http://127.0.0.1:{Aigis.Tests.Cli.CommandLineTests.FreePort()}/");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
            - name: chat
              kind: llm
              models: [m]
              balancer: prefix-aware
              instances: [{closed}]
            """);
        var instance = gateway.Host.State.Routes.ByName["chat"].Instances[0];

        using var response = await gateway.Public.PostAsync("/v1/chat/completions",
            Json.Body("""{"model":"m","messages":[{"role":"user","content":"hello there"}]}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(0, instance.PendingPrefill);
    }
}

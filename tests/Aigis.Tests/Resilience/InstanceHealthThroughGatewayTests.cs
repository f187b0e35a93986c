using System.Net;
using System.Text.Json;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Resilience;

/// <summary>Passive and active health through a real gateway, read back through the admin API.</summary>
public sealed class InstanceHealthThroughGatewayTests
{
    [Fact]
    public async Task Refused_connections_eject_the_instance_and_the_admin_api_shows_it()
    {
        var dead = await Upstreams.DeadUrlAsync();
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                outlierDetection: {"{"}consecutiveConnectFailures: 2, baseEjectionTime: 1h, maxEjectionTime: 2h{"}"}
                instances: [{"{"}id: dead, url: "{dead}"{"}"}, {"{"}id: good, url: "{good.Url}"{"}"}]
            """);

        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).StatusCode);
        }

        var instances = await InstancesAsync(gateway, "/admin/v1/services/chat/instances");
        var deadView = instances.Single(i => i.GetProperty("id").GetString() == "dead");
        Assert.False(deadView.GetProperty("healthy").GetBoolean());
        Assert.True(deadView.GetProperty("ejected").GetBoolean());
        Assert.Equal(1, deadView.GetProperty("ejection_count").GetInt32());
        Assert.True(deadView.GetProperty("ejected_until").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        Assert.Equal("closed", deadView.GetProperty("breaker").GetString());
        var goodView = instances.Single(i => i.GetProperty("id").GetString() == "good");
        Assert.True(goodView.GetProperty("healthy").GetBoolean());
        Assert.Equal(0, goodView.GetProperty("in_flight").GetInt32());

        // Ejected, it gets no more attempts: every request goes straight to the good one.
        var before = good.ModelRequests();
        await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        Assert.Equal(before + 2, good.ModelRequests());
    }

    [Fact]
    public async Task A_failing_instance_opens_its_breaker()
    {
        await using var failing = await Upstreams.StatusAsync("failing", 500);
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                outlierDetection: {"{"}consecutive5xx: 1000{"}"}
                circuitBreaker: {"{"}failureRatio: 0.5, minimumThroughput: 3, breakDuration: 1h{"}"}
                instances: [{"{"}id: failing, url: "{failing.Url}"{"}"}, {"{"}id: good, url: "{good.Url}"{"}"}]
            """);

        for (var i = 0; i < 10; i++)
        {
            await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        }

        var view = (await InstancesAsync(gateway, "/admin/v1/instances")).Single(i => i.GetProperty("id").GetString() == "failing");
        Assert.Equal("open", view.GetProperty("breaker").GetString());
        Assert.False(view.GetProperty("healthy").GetBoolean());
        Assert.False(view.GetProperty("ejected").GetBoolean());
        Assert.Equal(3, failing.ModelRequests());
    }

    [Fact]
    public async Task Active_checks_take_an_instance_out_and_bring_it_back()
    {
        var sick = 0;
        await using var flaky = await TestUpstream.StartAsync("flaky", (context, request) =>
        {
            if (request.Path == "/ready")
            {
                context.Response.StatusCode = Volatile.Read(ref sick) == 1 ? 503 : 200;
                return Task.CompletedTask;
            }

            return context.Response.WriteAsync("""{"upstream":"flaky"}""");
        });
        await using var steady = await TestUpstream.StartAsync("steady");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                health: {"{"}path: /ready, interval: 200ms, timeout: 200ms, healthyThreshold: 2, unhealthyThreshold: 2{"}"}
                instances: [{"{"}id: flaky, url: "{flaky.Url}"{"}"}, {"{"}id: steady, url: "{steady.Url}"{"}"}]
            """);

        Volatile.Write(ref sick, 1);
        await Eventually.TrueAsync(async () => !await HealthyAsync(gateway, "flaky"), TimeSpan.FromSeconds(15), () => "flaky never left rotation");
        var flakyBefore = flaky.ModelRequests();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).StatusCode);
        }

        Assert.Equal(flakyBefore, flaky.ModelRequests());

        Volatile.Write(ref sick, 0);
        await Eventually.TrueAsync(() => HealthyAsync(gateway, "flaky"), TimeSpan.FromSeconds(15), () => "flaky never came back");
        var view = (await InstancesAsync(gateway, "/admin/v1/instances")).Single(i => i.GetProperty("id").GetString() == "flaky");
        Assert.True(view.GetProperty("active_healthy").GetBoolean());
    }

    [Fact]
    public async Task An_unknown_service_is_a_404_on_the_admin_api()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var response = await gateway.AdminApi.GetAsync("/admin/v1/services/nope/instances");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Admin.GetAsync("/admin/v1/instances")).StatusCode);
    }

    private static async Task<bool> HealthyAsync(GatewayUnderTest gateway, string id) =>
        (await InstancesAsync(gateway, "/admin/v1/instances")).Single(i => i.GetProperty("id").GetString() == id).GetProperty("healthy").GetBoolean();

    private static async Task<JsonElement[]> InstancesAsync(GatewayUnderTest gateway, string path)
    {
        var response = await gateway.AdminApi.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json.ReadAsync(response);
        Assert.Equal("list", body.GetProperty("object").GetString());
        return [.. body.GetProperty("data").EnumerateArray()];
    }
}

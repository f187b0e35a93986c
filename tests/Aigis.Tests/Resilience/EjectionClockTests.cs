using System.Net;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Resilience;

/// <summary>Ejection, return and backoff growth through a real gateway whose clock the test drives.</summary>
public sealed class EjectionClockTests
{
    [Fact]
    public async Task An_ejected_instance_returns_after_its_time_and_a_second_ejection_lasts_twice_as_long()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        using var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        await using var flaky = await Upstreams.StatusAsync("flaky", 500);
        await using var steady = await TestUpstream.StartAsync("steady");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                outlierDetection: {"{"}consecutive5xx: 2, baseEjectionTime: 30s, maxEjectionTime: 5m{"}"}
                instances: [{"{"}id: flaky, url: "{flaky.Url}"{"}"}, {"{"}id: steady, url: "{steady.Url}"{"}"}]
            """, new AigisHostOptions { TimeProvider = time, LoggerFactory = loggerFactory });
        var instance = gateway.Host.State.Routes.ByName["chat"].Instances.Single(i => i.Id == "flaky");

        await SendUntilEjectedAsync(gateway, instance);
        Assert.Equal(TimeSpan.FromSeconds(30), await EjectedForAsync(gateway, time));

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(instance.IsHealthy);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(instance.IsHealthy);
        await Eventually.TrueAsync(
            () => logs.Entries.Any(e => e.Message.Contains("flaky is back in rotation", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(10),
            () => "the return was never logged");

        await SendUntilEjectedAsync(gateway, instance);
        Assert.Equal(TimeSpan.FromSeconds(60), await EjectedForAsync(gateway, time));
        Assert.Equal(2, instance.Health.EjectionCount);
    }

    private static async Task SendUntilEjectedAsync(GatewayUnderTest gateway, Core.Routing.UpstreamInstance instance)
    {
        for (var i = 0; i < 10 && instance.IsHealthy; i++)
        {
            await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        }

        Assert.False(instance.IsHealthy);
    }

    private static async Task<TimeSpan> EjectedForAsync(GatewayUnderTest gateway, FakeTimeProvider time)
    {
        var response = await gateway.AdminApi.GetAsync("/admin/v1/services/chat/instances");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var flaky = (await Json.ReadAsync(response)).GetProperty("data").EnumerateArray().Single(i => i.GetProperty("id").GetString() == "flaky");
        Assert.True(flaky.GetProperty("ejected").GetBoolean());
        return flaky.GetProperty("ejected_until").GetDateTimeOffset() - time.GetUtcNow();
    }
}

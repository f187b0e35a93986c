using System.Net;
using Aigis.Tests.Infrastructure;
using Aigis.Tests.Telemetry;

namespace Aigis.Tests.Alerts;

/// <summary>A rule over the gateway's own request metrics fires from real traffic and shows in the admin API and <c>/metrics</c>.</summary>
public sealed class AlertsAdminApiTests
{
    [Fact]
    public async Task Failing_traffic_fires_a_ratio_rule_seen_in_the_admin_api_history_and_metrics()
    {
        await using var upstream = await TestUpstream.StartAsync("aa");
        await using var gateway = await GatewayUnderTest.StartAsync(
            MetricsEndpointTests.Services(upstream.Url, MetricsEndpointTests.ClosedPort()).Replace("mx-", "aa-", StringComparison.Ordinal),
            """
              auth: disabled
            alerts:
              defaults: false
              rules:
                - name: aa-errors
                  expr: 'ratio(aigis.requests{status="5xx"}, aigis.requests[1m]) > 0.5'
                  by: service
                  severity: critical
            """);

        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Admin.GetAsync("/admin/v1/alerts")).StatusCode);
        Assert.Empty((await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/alerts"))).GetProperty("data").EnumerateArray());

        (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"aa-model"}"""))).EnsureSuccessStatusCode();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.BadGateway, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"aa-down-model"}"""))).StatusCode);
        }

        // The requests are counted as their responses end; evaluate until the rule sees them.
        await Eventually.TrueAsync(async () =>
        {
            await gateway.Host.Alerts.EvaluateAsync(CancellationToken.None);
            return gateway.Host.Alerts.Active.Any(a => a.State == "firing");
        }, TimeSpan.FromSeconds(10), () => "the rule fires");

        var current = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/alerts"))).GetProperty("data");
        var alert = Assert.Single(current.EnumerateArray());
        Assert.Equal(("aa-errors", "firing", "critical", "aa-down", 1.0),
            (alert.GetProperty("alert").GetString(), alert.GetProperty("state").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("labels").GetProperty("service").GetString(), alert.GetProperty("value").GetDouble()));

        var history = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/alerts/history?limit=10"))).GetProperty("data");
        Assert.Equal("firing", Assert.Single(history.EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await gateway.AdminApi.GetAsync("/admin/v1/alerts/history?limit=0")).StatusCode);

        var samples = PrometheusSamples.Parse(await gateway.Admin.GetStringAsync("/metrics"));
        Assert.Equal(1, samples.Sum("aigis_alerts_firing", ("alert", "aa-errors"), ("severity", "critical")));
    }
}

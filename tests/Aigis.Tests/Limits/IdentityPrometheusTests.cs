using System.Net;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;
using Aigis.Tests.Telemetry;

namespace Aigis.Tests.Limits;

/// <summary>The identity stages' refusals on the admin listener's <c>/metrics</c>, as Prometheus reads them.</summary>
public sealed class IdentityPrometheusTests
{
    [Fact]
    public async Task Access_and_limit_refusals_are_counted_and_named_by_the_stage_that_refused()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(
            $"  - {{name: chat, kind: llm, models: [m, n], instances: [\"{upstream.Url}\"]}}",
            new Hosting.AigisHostOptions { TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 10, TimeSpan.Zero)) },
            "  auth: required");
        await TenantsApi.CreateAsync(gateway.AdminApi, "prom", """{"models":["m"],"limits":{"requests_per_minute":1}}""");
        var (_, key) = await KeysApi.CreateAsync(gateway.AdminApi, "prom-key", tenant: "prom");
        using var client = gateway.PublicWithKey(key);

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"n"}"""))).StatusCode);
        var first = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        var second = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        List<PrometheusSample> samples = [];
        await Eventually.TrueAsync(async () =>
        {
            samples = PrometheusSamples.Parse(await gateway.Admin.GetStringAsync("/metrics"));
            return samples.Sum("aigis_requests_total") >= 3;
        }, TimeSpan.FromSeconds(10), () => "3 requests counted");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(1, samples.Sum("aigis_limit_refusals_total", ("scope", "tenant"), ("limit", "rpm")));
        Assert.Equal(1, samples.Sum("aigis_requests_total", ("tenant", "prom"), ("outcome", "rate_limit"), ("status", "4xx")));
        Assert.Equal(1, samples.Sum("aigis_access_refusals_total", ("code", "model_not_allowed")));
        Assert.Equal(1, samples.Sum("aigis_requests_total", ("tenant", "prom"), ("outcome", "authorization"), ("status", "4xx")));
    }
}

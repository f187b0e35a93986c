using System.Net;
using System.Net.Sockets;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Telemetry;

/// <summary>The admin listener's <c>/metrics</c> after a known sequence of requests, read back in Prometheus text format.</summary>
public sealed class MetricsEndpointTests
{
    [Fact]
    public async Task Counts_served_requests_and_each_refusing_stage_by_service_model_tenant_and_outcome()
    {
        await using var upstream = await TestUpstream.StartAsync("mx");
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url, ClosedPort()), "  auth: required");
        var (_, key) = await KeysApi.CreateAsync(gateway.AdminApi, "mx", tenant: "mx-team");
        using var client = gateway.PublicWithKey(key);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"mx-model","messages":[]}"""))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"mx-model"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"mx-model"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"no-such-model"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/v1/chat/completions", Json.Body("""{"model": """))).StatusCode);
        Assert.Equal(HttpStatusCode.BadGateway, (await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"mx-down-model"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"mx-empty-model"}"""))).StatusCode);

        // Requests are counted when their response has ended, which the client may see a moment before.
        List<PrometheusSample> samples = [];
        await Eventually.TrueAsync(async () =>
        {
            samples = PrometheusSamples.Parse(await gateway.Admin.GetStringAsync("/metrics"));
            return samples.Sum("aigis_requests_total") >= 9;
        }, TimeSpan.FromSeconds(10), () => "9 requests counted");

        Assert.Equal(9, samples.Sum("aigis_requests_total"));
        Assert.Equal(3, samples.Sum("aigis_requests_total", ("service", "mx-chat"), ("model", "mx-model"), ("tenant", "mx-team"), ("outcome", "served"), ("status", "2xx")));
        Assert.Equal(2, samples.Sum("aigis_requests_total", ("service", "unknown"), ("model", "unknown"), ("tenant", "unknown"), ("outcome", "authentication"), ("status", "4xx")));
        Assert.Equal(1, samples.Sum("aigis_requests_total", ("tenant", "mx-team"), ("model", "unknown"), ("outcome", "route"), ("status", "4xx")));
        Assert.Equal(1, samples.Sum("aigis_requests_total", ("tenant", "mx-team"), ("outcome", "request_limits"), ("status", "4xx")));
        Assert.Equal(1, samples.Sum("aigis_requests_total", ("service", "mx-down"), ("model", "mx-down-model"), ("outcome", "forward"), ("status", "5xx")));
        Assert.Equal(1, samples.Sum("aigis_requests_total", ("service", "mx-empty"), ("outcome", "balance"), ("status", "5xx")));

        // Durations: one per request; upstream latency only for the three that reached an instance.
        Assert.Equal(9, samples.Sum("aigis_request_duration_seconds_count"));
        Assert.Equal(3, samples.Sum("aigis_upstream_latency_seconds_count", ("service", "mx-chat")));
        Assert.Equal(3, samples.Sum("gen_ai_client_operation_duration_seconds_count", ("gen_ai_operation_name", "chat"), ("gen_ai_request_model", "mx-model")));

        // Gauges read from the route table: each service's instances; the empty service has none in rotation.
        Assert.Equal(0, samples.Sum("aigis_service_healthy_instances", ("service", "mx-empty")));
        Assert.Equal(1, samples.Sum("aigis_service_healthy_instances", ("service", "mx-chat")));
        Assert.Equal(0, samples.Sum("aigis_instance_in_flight", ("service", "mx-chat")));
        Assert.True(samples.Has("aigis_instance_healthy", ("service", "mx-down")));
    }

    [Fact]
    public async Task Metrics_need_no_key_by_default_and_an_admin_key_with_metricsAuth_admin_key()
    {
        await using (var open = await GatewayUnderTest.StartAsync("[]"))
        {
            Assert.Equal(HttpStatusCode.OK, (await open.Admin.GetAsync("/metrics")).StatusCode);
        }

        await using var closed = await GatewayUnderTest.StartAsync("[]", "  auth: disabled\ntelemetry:\n  metricsAuth: admin-key");
        Assert.Equal(HttpStatusCode.Unauthorized, (await closed.Admin.GetAsync("/metrics")).StatusCode);
        var response = await closed.AdminApi.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.MediaType, StringComparison.Ordinal);
    }

    internal static string Services(Uri upstream, int closedPort) => $"""
          - name: mx-chat
            kind: llm
            models: [mx-model]
            instances:
              - url: {upstream}
          - name: mx-down
            kind: llm
            models: [mx-down-model]
            timeouts:
              connect: 2s
            instances:
              - url: http://127.0.0.1:{closedPort}
          - name: mx-empty
            kind: llm
            models: [mx-empty-model]
            instances: []
        """;

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    internal static int ClosedPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}

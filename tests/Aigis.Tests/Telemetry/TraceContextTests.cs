using System.Text.Json;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Telemetry;

/// <summary>W3C trace context: the upstream sees a <c>traceparent</c> naming the gateway's span, in the trace the access log names.</summary>
[Collection(SpanAssertingTests.Name)]
public sealed class TraceContextTests
{
    [Fact]
    public async Task Upstream_sees_a_traceparent_of_our_span_in_our_trace()
    {
        await using var upstream = await TestUpstream.StartAsync("tc");
        var logDirectory = Directory.CreateTempSubdirectory("aigis-trace-").FullName;
        var accessLog = Path.Combine(logDirectory, "access.log");
        try
        {
            await using var gateway = await GatewayUnderTest.StartAsync(
                $"  - name: tc\n    instances:\n      - url: {upstream.Url}", $"  auth: disabled\ntelemetry:\n  accessLog: {accessLog}");

            var response = await gateway.Public.GetAsync("/svc/tc/hello");
            response.EnsureSuccessStatusCode();
            await gateway.Host.AccessLog.FlushAsync();
            var line = JsonDocument.Parse(File.ReadAllLines(accessLog).Single()).RootElement;

            var seen = Assert.Single(upstream.Received).Headers["traceparent"].Split('-');
            Assert.Equal(4, seen.Length);
            Assert.Equal("00", seen[0]);
            Assert.Equal(line.GetProperty("trace_id").GetString(), seen[1]);
            Assert.Equal(line.GetProperty("span_id").GetString(), seen[2]);
        }
        finally
        {
            Directory.Delete(logDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task A_client_trace_is_continued_with_our_own_span_as_the_upstreams_parent()
    {
        await using var upstream = await TestUpstream.StartAsync("tc2");
        await using var gateway = await GatewayUnderTest.StartAsync($"  - name: tc2\n    instances:\n      - url: {upstream.Url}");
        const string clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        const string clientSpan = "00f067aa0ba902b7";

        using var request = new HttpRequestMessage(HttpMethod.Get, "/svc/tc2/x");
        request.Headers.TryAddWithoutValidation("traceparent", $"00-{clientTrace}-{clientSpan}-01");
        request.Headers.TryAddWithoutValidation("tracestate", "vendor=1");
        (await gateway.Public.SendAsync(request)).EnsureSuccessStatusCode();

        var seen = Assert.Single(upstream.Received).Headers["traceparent"].Split('-');
        Assert.Equal(clientTrace, seen[1]);
        Assert.NotEqual(clientSpan, seen[2]);
        Assert.Matches("^[0-9a-f]{16}$", seen[2]);
    }

    [Fact]
    public async Task A_malformed_client_traceparent_is_replaced_not_forwarded()
    {
        await using var upstream = await TestUpstream.StartAsync("tc3");
        await using var gateway = await GatewayUnderTest.StartAsync($"  - name: tc3\n    instances:\n      - url: {upstream.Url}");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/svc/tc3/x");
        request.Headers.TryAddWithoutValidation("traceparent", "garbage");
        (await gateway.Public.SendAsync(request)).EnsureSuccessStatusCode();

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", Assert.Single(upstream.Received).Headers["traceparent"]);
    }
}

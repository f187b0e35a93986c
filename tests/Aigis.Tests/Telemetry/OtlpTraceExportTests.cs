using System.Text.Json;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Telemetry;

/// <summary>
/// With an OTLP endpoint, spans are recorded and exported: a real (Kestrel) collector receives the request's span
/// and the upstream attempt's span, and the upstream's <c>traceparent</c> names that attempt's span.
/// </summary>
[Collection(SpanAssertingTests.Name)]
public sealed class OtlpTraceExportTests
{
    [Fact]
    public async Task Spans_reach_the_collector_and_the_upstream_parent_is_the_attempt_span()
    {
        await using var collector = await TestUpstream.StartAsync("collector", (c, _) =>
        {
            c.Response.ContentType = "application/x-protobuf";
            return Task.CompletedTask;
        });
        await using var upstream = await TestUpstream.StartAsync("ot");
        var logDirectory = Directory.CreateTempSubdirectory("aigis-otlp-").FullName;
        var accessLog = Path.Combine(logDirectory, "access.log");
        try
        {
            string[] parent;
            JsonElement line;
            await using (var gateway = await GatewayUnderTest.StartAsync(
                $"  - name: ot\n    instances:\n      - url: {upstream.Url}",
                $"  auth: disabled\ntelemetry:\n  accessLog: {accessLog}\n  sampling: 1\n  otlp:\n    endpoint: {collector.Url}\n    protocol: http"))
            {
                (await gateway.Public.GetAsync("/svc/ot/x")).EnsureSuccessStatusCode();
                await gateway.Host.AccessLog.FlushAsync();
                line = JsonDocument.Parse(File.ReadAllLines(accessLog).Single()).RootElement;
                parent = Assert.Single(upstream.Received).Headers["traceparent"].Split('-');
            }

            // Stopping the gateway flushes its exporter.
            var traceId = line.GetProperty("trace_id").GetString()!;
            var requestSpan = line.GetProperty("span_id").GetString()!;
            Assert.Equal(traceId, parent[1]);
            Assert.Equal("01", parent[3]);
            Assert.NotEqual(requestSpan, parent[2]);

            var exports = collector.Received.Where(r => r.Path == "/v1/traces").Select(r => r.Body).ToArray();
            Assert.NotEmpty(exports);
            var payload = exports.SelectMany(b => b).ToArray();
            Assert.True(Contains(payload, Convert.FromHexString(traceId)), "the trace id is exported");
            Assert.True(Contains(payload, Convert.FromHexString(requestSpan)), "the request span is exported");
            Assert.True(Contains(payload, Convert.FromHexString(parent[2])), "the upstream attempt's span is exported");
            Assert.True(Contains(payload, "aigis.upstream"u8.ToArray()));
        }
        finally
        {
            Directory.Delete(logDirectory, recursive: true);
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}

/// <summary>
/// Tests that assert which span an upstream's <c>traceparent</c> names run one at a time: a tracer provider that
/// records (OTLP configured) listens process-wide, so it would change what a concurrent test's request records.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SpanAssertingTests
{
    public const string Name = "tracing";
}

using System.Net;
using System.Text.Json;
using Aigis.Hosting;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Aigis.Tests.Telemetry;

/// <summary>The access log: one JSON line per request, every field present for every outcome, and never a secret.</summary>
public sealed class AccessLogTests
{
    private static readonly string[] s_fields =
    [
        "ts", "request_id", "trace_id", "span_id", "method", "path", "tenant", "key_id", "service", "model", "instance", "status",
        "outcome", "refused_by", "error_code", "duration_ms", "ttft_ms", "tokens_in", "tokens_out", "cache", "attempts", "streamed",
    ];

    [Fact]
    public async Task Each_outcome_gets_one_line_with_every_field_and_no_secret()
    {
        await using var upstream = await OpenAiUpstream.StartAsync("al");
        var logDirectory = Directory.CreateTempSubdirectory("aigis-access-").FullName;
        var accessLog = Path.Combine(logDirectory, "access.log");
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        try
        {
            await using var gateway = await GatewayUnderTest.StartAsync(
                MetricsEndpointTests.Services(upstream.Url, MetricsEndpointTests.ClosedPort()).Replace("mx-", "al-", StringComparison.Ordinal),
                new AigisHostOptions { LoggerFactory = loggerFactory },
                $"  auth: required\ntelemetry:\n  accessLog: {accessLog}");
            var (keyId, key) = await KeysApi.CreateAsync(gateway.AdminApi, "al", tenant: "al-team");
            using var client = gateway.PublicWithKey(key);
            const string wrongKey = "aigis_sk_this-is-not-a-key-but-must-never-be-logged";
            using var wrong = gateway.PublicWithKey(wrongKey);

            var served = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"al-model","messages":[]}"""));
            var streamed = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"al-model","stream":true,"stream_options":{"include_usage":true}}"""));
            await streamed.Content.ReadAsStringAsync();
            var refusedAuth = await wrong.PostAsync("/v1/chat/completions", Json.Body("""{"model":"al-model"}"""));
            var unknownModel = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"nope"}"""));
            var unreachable = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"al-down-model"}"""));
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound, HttpStatusCode.BadGateway],
                [served.StatusCode, streamed.StatusCode, refusedAuth.StatusCode, unknownModel.StatusCode, unreachable.StatusCode]);

            Dictionary<string, JsonElement> lines = [];
            await Eventually.TrueAsync(async () =>
            {
                await gateway.Host.AccessLog.FlushAsync();
                lines = Lines(accessLog);
                return lines.Count >= 5;
            }, TimeSpan.FromSeconds(10), () => $"5 access-log lines, have {lines.Count}");

            Assert.Equal(5, lines.Count);
            foreach (var line in lines.Values)
            {
                Assert.All(s_fields, field => Assert.True(line.TryGetProperty(field, out _), $"field {field} missing in {line}"));
                Assert.Equal(32, line.GetProperty("trace_id").GetString()!.Length);
            }

            var ok = lines[RequestId(served)];
            Assert.Equal(("al-team", keyId, "al-chat", "al-model", 200, "served"), (ok.GetProperty("tenant").GetString(), ok.GetProperty("key_id").GetString(), ok.GetProperty("service").GetString(), ok.GetProperty("model").GetString(), ok.GetProperty("status").GetInt32(), ok.GetProperty("outcome").GetString()));
            Assert.Equal(JsonValueKind.Null, ok.GetProperty("refused_by").ValueKind);
            Assert.Equal((OpenAiUpstream.PromptTokens, OpenAiUpstream.CompletionTokens, 1), (ok.GetProperty("tokens_in").GetInt32(), ok.GetProperty("tokens_out").GetInt32(), ok.GetProperty("attempts").GetInt32()));
            Assert.Equal(upstream.Url.Authority, ok.GetProperty("instance").GetString());

            var stream = lines[RequestId(streamed)];
            Assert.True(stream.GetProperty("streamed").GetBoolean());
            Assert.True(stream.GetProperty("ttft_ms").GetDouble() > 0);
            Assert.Equal((OpenAiUpstream.PromptTokens, OpenAiUpstream.CompletionTokens), (stream.GetProperty("tokens_in").GetInt32(), stream.GetProperty("tokens_out").GetInt32()));

            var auth = lines[RequestId(refusedAuth)];
            Assert.Equal(("authentication", "invalid_api_key", 401), (auth.GetProperty("refused_by").GetString(), auth.GetProperty("error_code").GetString(), auth.GetProperty("status").GetInt32()));
            Assert.Equal(JsonValueKind.Null, auth.GetProperty("tenant").ValueKind);

            var route = lines[RequestId(unknownModel)];
            Assert.Equal(("route", "model_not_found", "al-team"), (route.GetProperty("refused_by").GetString(), route.GetProperty("error_code").GetString(), route.GetProperty("tenant").GetString()));

            var forward = lines[RequestId(unreachable)];
            Assert.Equal(("forward", "upstream_unreachable", 502, 1), (forward.GetProperty("refused_by").GetString(), forward.GetProperty("error_code").GetString(), forward.GetProperty("status").GetInt32(), forward.GetProperty("attempts").GetInt32()));

            // No secret anywhere: not the valid key, not the wrong one, not even their secret halves.
            var text = await File.ReadAllTextAsync(accessLog);
            var appLog = string.Join('\n', logs.Entries.Select(e => e.Message));
            foreach (var secret in new[] { key, wrongKey, key[^20..], wrongKey[^20..] })
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, appLog, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("Bearer", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(logDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Served_tokens_and_time_to_first_token_reach_the_GenAI_metrics()
    {
        await using var upstream = await OpenAiUpstream.StartAsync("gt");
        await using var gateway = await GatewayUnderTest.StartAsync(
            MetricsEndpointTests.Services(upstream.Url, MetricsEndpointTests.ClosedPort()).Replace("mx-", "gt-", StringComparison.Ordinal));

        (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"gt-model"}"""))).EnsureSuccessStatusCode();
        var streamed = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"gt-model","stream":true}"""));
        await streamed.Content.ReadAsStringAsync();

        List<PrometheusSample> samples = [];
        await Eventually.TrueAsync(async () =>
        {
            samples = PrometheusSamples.Parse(await gateway.Admin.GetStringAsync("/metrics"));
            return samples.Sum("aigis_requests_total") >= 2;
        }, TimeSpan.FromSeconds(10), () => "2 requests counted");

        Assert.Equal(2, samples.Sum("gen_ai_client_token_usage_count", ("gen_ai_token_type", "input"), ("gen_ai_request_model", "gt-model")));
        Assert.Equal(2 * OpenAiUpstream.PromptTokens, samples.Sum("gen_ai_client_token_usage_sum", ("gen_ai_token_type", "input")));
        Assert.Equal(2 * OpenAiUpstream.CompletionTokens, samples.Sum("gen_ai_client_token_usage_sum", ("gen_ai_token_type", "output")));
        Assert.Equal(1, samples.Sum("gen_ai_server_time_to_first_token_seconds_count", ("gen_ai_request_model", "gt-model")));
        Assert.Equal(1, samples.Sum("gen_ai_server_time_per_output_token_seconds_count", ("gen_ai_request_model", "gt-model")));
    }

    private static string RequestId(HttpResponseMessage response) => response.Headers.GetValues("x-request-id").Single();

    private static Dictionary<string, JsonElement> Lines(string path)
    {
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        while (reader.ReadLine() is { } line)
        {
            using var document = JsonDocument.Parse(line);
            lines[document.RootElement.GetProperty("request_id").GetString()!] = document.RootElement.Clone();
        }

        return lines;
    }
}

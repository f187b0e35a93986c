using System.Net;
using System.Text;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Aigis.Tests.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using static Aigis.Tests.Limits.RateLimitTests;

namespace Aigis.Tests.Gateway;

/// <summary>The exact response cache through the whole governed path: a real gateway and a real upstream on loopback.</summary>
public sealed class ResponseCacheTests
{
    private const string Deterministic = """{"model":"m","temperature":0,"messages":[{"role":"user","content":"What is 2+2?"}]}""";
    private const string Answer = """{"id":"c1","choices":[{"index":0,"message":{"role":"assistant","content":"4"}}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}""";

    internal static string Services(Uri upstream, string cache = "{enabled: true}") =>
        $"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream}\"], cache: {cache}}}";

    private static Task<TestUpstream> AnsweringUpstreamAsync(string body = Answer) =>
        TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(body);
        });

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? cacheHeader = null, string? cacheControl = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(body) };
        if (cacheHeader is not null)
        {
            request.Headers.TryAddWithoutValidation("x-aigis-cache", cacheHeader);
        }

        if (cacheControl is not null)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }

        return client.SendAsync(request);
    }

    [Fact]
    public async Task A_deterministic_request_asked_twice_goes_upstream_once()
    {
        await using var upstream = await AnsweringUpstreamAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));

        var first = await PostAsync(gateway.Public, Deterministic);
        var second = await PostAsync(gateway.Public, """{ "messages": [{"content":"What is 2+2?", "role":"user"}], "temperature": 0.0, "model": "m" }""");

        Assert.Equal(("miss", "hit"), (Header(first, "x-aigis-cache"), Header(second, "x-aigis-cache")));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(Answer, await second.Content.ReadAsStringAsync());
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        Assert.Single(upstream.Received);
        Assert.NotEqual(Header(first, "x-request-id"), Header(second, "x-request-id"));
    }

    [Fact]
    public async Task A_request_that_may_vary_is_never_cached_unless_the_caller_or_the_service_says_so()
    {
        const string sampled = """{"model":"m","temperature":0.8,"messages":[{"role":"user","content":"A poem"}]}""";
        await using var upstream = await AnsweringUpstreamAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));

        var plain = new[] { await PostAsync(gateway.Public, sampled), await PostAsync(gateway.Public, sampled) };
        var asked = new[] { await PostAsync(gateway.Public, sampled, "use"), await PostAsync(gateway.Public, sampled, "use") };

        Assert.All(plain, r => Assert.Equal("bypass", Header(r, "x-aigis-cache")));
        Assert.Equal(("miss", "hit"), (Header(asked[0], "x-aigis-cache"), Header(asked[1], "x-aigis-cache")));
        Assert.Equal(3, upstream.Received.Count);

        await using var all = await GatewayUnderTest.StartAsync(Services(upstream.Url, "{enabled: true, requests: all}"));
        var first = await PostAsync(all.Public, sampled);
        var second = await PostAsync(all.Public, sampled);
        Assert.Equal(("miss", "hit"), (Header(first, "x-aigis-cache"), Header(second, "x-aigis-cache")));
    }

    [Fact]
    public async Task Bypass_refresh_and_no_store_do_what_they_say()
    {
        var served = 0;
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$"""{"n":{{Interlocked.Increment(ref served)}}}""");
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));

        var stored = await PostAsync(gateway.Public, Deterministic);
        var bypassed = await PostAsync(gateway.Public, Deterministic, "bypass");
        var noStore = await PostAsync(gateway.Public, Deterministic, cacheControl: "no-store");
        var hitOfFirst = await PostAsync(gateway.Public, Deterministic);
        var refreshed = await PostAsync(gateway.Public, Deterministic, "refresh");
        var hitOfRefresh = await PostAsync(gateway.Public, Deterministic);

        Assert.Equal(["miss", "bypass", "bypass", "hit", "miss", "hit"],
            new[] { stored, bypassed, noStore, hitOfFirst, refreshed, hitOfRefresh }.Select(r => Header(r, "x-aigis-cache")));
        Assert.Equal("""{"n":1}""", await hitOfFirst.Content.ReadAsStringAsync());
        Assert.Equal("""{"n":4}""", await hitOfRefresh.Content.ReadAsStringAsync());
        Assert.Equal(4, served);
    }

    [Fact]
    public async Task An_unknown_cache_directive_is_a_clear_400()
    {
        await using var upstream = await AnsweringUpstreamAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));

        var response = await PostAsync(gateway.Public, Deterministic, "please");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var (code, message) = await Json.ErrorAsync(response);
        Assert.Equal("invalid_cache_directive", code);
        Assert.Contains("`use`, `bypass` or `refresh`, not `please`", message, StringComparison.Ordinal);
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task An_error_answer_is_never_cached()
    {
        var calls = 0;
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) =>
        {
            var call = Interlocked.Increment(ref calls);
            context.Response.StatusCode = call == 1 ? 500 : 200;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(call == 1 ? """{"error":{"message":"boom","type":"server_error","code":"x"}}""" : Answer);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));

        var failed = await PostAsync(gateway.Public, Deterministic);
        var retried = await PostAsync(gateway.Public, Deterministic);
        var hit = await PostAsync(gateway.Public, Deterministic);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);
        Assert.Equal(["miss", "miss", "hit"], new[] { failed, retried, hit }.Select(r => Header(r, "x-aigis-cache")));
        Assert.Equal(Answer, await hit.Content.ReadAsStringAsync());
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task A_stream_cut_by_the_upstream_is_never_cached()
    {
        const string streamed = """{"model":"m","temperature":0,"stream":true,"messages":[{"role":"user","content":"What is 2+2?"}]}""";
        var clientHasFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"4\"}}]}\n\n");
            await context.Response.Body.FlushAsync();

            // Cut only once the client has the first event, so the cut is mid-stream.
            await clientHasFirst.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            context.Abort();
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(streamed) })
        using (var cut = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        using (var reader = new StreamReader(await cut.Content.ReadAsStreamAsync()))
        {
            await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
            clientHasFirst.SetResult();
            Assert.Contains("upstream_stream_error", await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10)), StringComparison.Ordinal);
            Assert.Equal("miss", Header(cut, "x-aigis-cache"));
        }

        using var again = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(streamed) };
        using var second = await gateway.Public.SendAsync(again, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("miss", Header(second, "x-aigis-cache"));
        Assert.True(upstream.Received.Count >= 2);
        Assert.True(gateway.Host.Caches.TryGet("chat", out var cache));
        Assert.Equal(0, cache.Store.Count);
    }

    [Fact]
    public async Task A_cached_stream_is_replayed_as_the_same_stream_chunk_for_chunk_with_its_usage()
    {
        const string first = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"}}]}\n\n";
        const string rest = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"}}]}\n\n" +
            "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\ndata: [DONE]\n\n";
        var clientHasFirst = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync(first);
            await context.Response.Body.FlushAsync();

            // The rest only once the client has the first event: the answer reaches the gateway in two chunks.
            await clientHasFirst.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            await context.Response.WriteAsync(rest);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url));
        const string body = """{"model":"m","temperature":0,"stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hi"}]}""";

        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(body) })
        using (var miss = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        using (var reader = new StreamReader(await miss.Content.ReadAsStreamAsync()))
        {
            Assert.Equal(first.TrimEnd('\n'), await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            clientHasFirst.SetResult();
            await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        var hit = await PostAsync(gateway.Public, body);

        Assert.Equal("hit", Header(hit, "x-aigis-cache"));
        Assert.Equal("text/event-stream", hit.Content.Headers.ContentType?.MediaType);
        Assert.True(hit.Headers.TransferEncodingChunked, "a replayed stream is sent as it goes, not with a length");
        Assert.Equal(first + rest, await hit.Content.ReadAsStringAsync());
        Assert.Single(upstream.Received);
        Assert.True(gateway.Host.Caches.TryGet("chat", out var cache));
        Assert.Equal(1, cache.Store.Count);

        // The stored answer keeps the chunks the upstream sent: the first event alone, then the rest.
        var stored = StoredAnswers(cache).Single();
        Assert.True(stored.Chunks.Length >= 2, $"{stored.Chunks.Length} chunk(s)");
        Assert.Equal(first, Encoding.UTF8.GetString(stored.Chunks[0].Span));
    }

    [Fact]
    public async Task Tenants_never_see_each_others_answers_unless_the_cache_is_shared()
    {
        await using var upstream = await AnsweringUpstreamAsync();
        foreach (var (cache, expected) in new[] { ("{enabled: true}", "miss"), ("{enabled: true, scope: shared}", "hit") })
        {
            await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url, cache), new AigisHostOptions(), "  auth: required");
            var acme = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"]}""");
            var globex = await TenantWithKeyAsync(gateway, "globex", """{"models":["*"]}""");
            using var a = gateway.PublicWithKey(acme);
            using var b = gateway.PublicWithKey(globex);

            Assert.Equal("miss", Header(await PostAsync(a, Deterministic), "x-aigis-cache"));
            Assert.Equal(expected, Header(await PostAsync(b, Deterministic), "x-aigis-cache"));
            Assert.Equal("hit", Header(await PostAsync(a, Deterministic), "x-aigis-cache"));
        }
    }

    [Fact]
    public async Task A_hit_counts_against_the_request_limit()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 10, TimeSpan.Zero));
        await using var upstream = await AnsweringUpstreamAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url), new AigisHostOptions { TimeProvider = time }, "  auth: required");
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"requests_per_minute":2}}""");
        using var client = gateway.PublicWithKey(key);

        var miss = await PostAsync(client, Deterministic);
        var hit = await PostAsync(client, Deterministic);
        var overLimit = await PostAsync(client, Deterministic);
        time.Advance(TimeSpan.FromMinutes(1));
        var renewed = await PostAsync(client, Deterministic);

        Assert.Equal(["miss", "hit", "hit"], new[] { miss, hit, renewed }.Select(r => Header(r, "x-aigis-cache")));
        Assert.Equal(HttpStatusCode.TooManyRequests, overLimit.StatusCode);
        Assert.Equal("rate_limit_exceeded", (await Json.ErrorAsync(overLimit)).Code);
        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task A_hit_is_not_charged_to_the_token_limit()
    {
        // A prompt of well over 20 tokens: were hits charged it, the second would already be refused.
        var prompt = string.Join(' ', Enumerable.Repeat("tokens", 40));
        var body = $$"""{"model":"m","temperature":0,"messages":[{"role":"user","content":"{{prompt}}"}]}""";
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 10, TimeSpan.Zero));
        await using var upstream = await AnsweringUpstreamAsync();
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url), new AigisHostOptions { TimeProvider = time }, "  auth: required");
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"tokens_per_minute":20}}""");
        using var client = gateway.PublicWithKey(key);

        var miss = await PostAsync(client, body);
        var hits = new List<HttpResponseMessage>();
        for (var i = 0; i < 4; i++)
        {
            hits.Add(await PostAsync(client, body));
        }

        // The miss is charged its usage (13 of 20); the hits nothing.
        Assert.Equal("miss", Header(miss, "x-aigis-cache"));
        Assert.All(hits, h => Assert.Equal((HttpStatusCode.OK, "hit"), (h.StatusCode, Header(h, "x-aigis-cache"))));
        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task Hits_are_counted_logged_and_the_cache_size_is_exported()
    {
        await using var upstream = await AnsweringUpstreamAsync();
        var directory = Directory.CreateTempSubdirectory("aigis-cache-log-").FullName;
        var accessLog = Path.Combine(directory, "access.log");
        try
        {
            await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream.Url), new AigisHostOptions(), $"  auth: disabled\ntelemetry:\n  accessLog: {accessLog}");
            var miss = await PostAsync(gateway.Public, Deterministic);
            var hit = await PostAsync(gateway.Public, Deterministic);
            var bypass = await PostAsync(gateway.Public, Deterministic, "bypass");

            List<PrometheusSample> samples = [];
            await Eventually.TrueAsync(async () =>
            {
                samples = PrometheusSamples.Parse(await gateway.Admin.GetStringAsync("/metrics"));
                return samples.Sum("aigis_cache_results_total") >= 3;
            }, TimeSpan.FromSeconds(10), () => "3 cache results counted");
            Assert.Equal(1, samples.Sum("aigis_cache_results_total", ("service", "chat"), ("result", "hit")));
            Assert.Equal(1, samples.Sum("aigis_cache_results_total", ("service", "chat"), ("result", "miss")));
            Assert.Equal(1, samples.Sum("aigis_cache_results_total", ("service", "chat"), ("result", "bypass")));
            Assert.True(samples.Sum("aigis_cache_size_bytes", ("service", "chat")) > Answer.Length);
            Assert.Equal(0, samples.Sum("aigis_cache_evictions_total", ("service", "chat")));

            var lines = new List<string>();
            await Eventually.TrueAsync(async () =>
            {
                await gateway.Host.AccessLog.FlushAsync();
                lines = File.Exists(accessLog) ? [.. File.ReadAllLines(accessLog)] : [];
                return lines.Count >= 3;
            }, TimeSpan.FromSeconds(10), () => $"3 access-log lines, have {lines.Count}");
            Assert.Contains(lines, l => l.Contains(Header(hit, "x-request-id")!, StringComparison.Ordinal) && l.Contains("\"cache\":\"hit\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(Header(miss, "x-request-id")!, StringComparison.Ordinal) && l.Contains("\"cache\":\"miss\"", StringComparison.Ordinal));
            Assert.Contains(lines, l => l.Contains(Header(bypass, "x-request-id")!, StringComparison.Ordinal) && l.Contains("\"cache\":\"bypass\"", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_service_without_a_cache_says_nothing_about_one()
    {
        await using var upstream = await AnsweringUpstreamAsync();
        await using var gateway = await GatewayUnderTest.StartAsync($"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}");

        var first = await PostAsync(gateway.Public, Deterministic);
        var second = await PostAsync(gateway.Public, Deterministic);

        Assert.Null(Header(first, "x-aigis-cache"));
        Assert.Null(Header(second, "x-aigis-cache"));
        Assert.Equal(2, upstream.Received.Count);
    }

    private static IEnumerable<Core.Caching.CachedAnswer> StoredAnswers(Caching.ServiceCache cache) => cache.Store.Answers;
}

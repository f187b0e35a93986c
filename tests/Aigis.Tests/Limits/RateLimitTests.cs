using System.Net;
using Aigis.Hosting;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Limits;

/// <summary>Per-tenant and per-key limits through the real gateway, with injected time.</summary>
public sealed class RateLimitTests
{
    // Ten seconds into a minute (the limits are GCRA: where a minute starts no longer matters).
    private static readonly DateTimeOffset s_start = new(2025, 3, 1, 12, 0, 10, TimeSpan.Zero);

    [Fact]
    public async Task Requests_per_minute_refuse_with_429_retry_after_and_openai_headers_until_one_replenishes()
    {
        var time = new FakeTimeProvider(s_start);
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream, time);
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"requests_per_minute":2}}""");
        using var client = gateway.PublicWithKey(key);

        var first = await ChatAsync(client);
        var second = await ChatAsync(client);
        var third = await ChatAsync(client);
        time.Advance(TimeSpan.FromSeconds(29));
        var early = await ChatAsync(client);
        time.Advance(TimeSpan.FromSeconds(1));
        var replenished = await ChatAsync(client);

        // GCRA: 2 a minute is one every 30 s, the two at once; the reset is when the whole allowance is back.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("2", Header(first, "x-ratelimit-limit-requests"));
        Assert.Equal("1", Header(first, "x-ratelimit-remaining-requests"));
        Assert.Equal("30s", Header(first, "x-ratelimit-reset-requests"));
        Assert.Equal("0", Header(second, "x-ratelimit-remaining-requests"));
        Assert.Equal("1m0s", Header(second, "x-ratelimit-reset-requests"));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("rate_limit_exceeded", (await Json.ErrorAsync(third)).Code);
        Assert.Equal("30", third.Headers.RetryAfter?.ToString());
        Assert.Equal("0", Header(third, "x-ratelimit-remaining-requests"));
        Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        Assert.Equal("1", early.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, replenished.StatusCode);
        Assert.Equal("0", Header(replenished, "x-ratelimit-remaining-requests"));
        Assert.Equal(3, upstream.Received.Count);
    }

    [Fact]
    public async Task Each_key_has_its_own_allowance_and_one_tenants_load_never_uses_anothers()
    {
        var time = new FakeTimeProvider(s_start);
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream, time);
        var acmeA = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"requests_per_minute":3},"key_limits":{"requests_per_minute":2}}""");
        var (_, acmeB) = await KeysApi.CreateAsync(gateway.AdminApi, "b", tenant: "acme");
        var other = await TenantWithKeyAsync(gateway, "other", """{"models":["*"],"limits":{"requests_per_minute":1}}""");
        using var a = gateway.PublicWithKey(acmeA);
        using var b = gateway.PublicWithKey(acmeB);
        using var o = gateway.PublicWithKey(other);

        var statuses = new List<(string, int)>();
        foreach (var (name, client) in new[] { ("a", a), ("a", a), ("a", a), ("o", o), ("b", b), ("b", b), ("o", o) })
        {
            var response = await ChatAsync(client);
            statuses.Add((name, (int)response.StatusCode));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains(name == "o" ? "tenant `other`" : name == "a" ? "this API key" : "tenant `acme`", (await Json.ErrorAsync(response)).Message, StringComparison.Ordinal);
            }
        }

        // a: two (its key's limit); o: one (its tenant's), whatever acme does; b: one (acme's third), then acme is spent.
        Assert.Equal([("a", 200), ("a", 200), ("a", 429), ("o", 200), ("b", 200), ("b", 429), ("o", 429)], statuses);
    }

    [Fact]
    public async Task Concurrent_requests_over_the_limit_are_refused_and_freed_when_one_ends()
    {
        var time = new FakeTimeProvider(s_start);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await context.Response.WriteAsync("{}");
        });
        await using var gateway = await StartAsync(upstream, time);
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"key_limits":{"concurrent_requests":1}}""");
        using var client = gateway.PublicWithKey(key);

        var held = ChatAsync(client);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var refused = await ChatAsync(client);
        release.SetResult();
        var first = await held;
        var after = await ChatAsync(client);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("concurrency_limit_exceeded", (await Json.ErrorAsync(refused)).Code);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_refusal_is_audited_with_the_limit_that_refused_it()
    {
        var time = new FakeTimeProvider(s_start);
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream, time);
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"requests_per_minute":1}}""");
        using var client = gateway.PublicWithKey(key);

        await ChatAsync(client);
        var refused = await ChatAsync(client);
        var audit = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var entry = Assert.Single(audit.GetProperty("data").EnumerateArray(), e => e.GetProperty("action").GetString() == "limit.refused");
        Assert.Equal(key[6..14], entry.GetProperty("actor").GetString());
        Assert.Equal("acme", entry.GetProperty("subject").GetString());
        Assert.Equal("rate_limit_exceeded", entry.GetProperty("reason").GetString());
        Assert.Equal("public POST /v1/chat/completions limit=tenant rpm 1", entry.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Refusals_and_charged_tokens_are_counted_on_the_aigis_identity_meter()
    {
        var time = new FakeTimeProvider(s_start);
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"usage":{"prompt_tokens":7,"completion_tokens":11}}""");
        });
        await using var gateway = await StartAsync(upstream, time, "[m, n]");
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["m"],"limits":{"requests_per_minute":1,"tokens_per_day":1000}}""");
        using var client = gateway.PublicWithKey(key);
        var measured = new System.Collections.Concurrent.ConcurrentQueue<(string Instrument, long Value, string Tags)>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (ReferenceEquals(instrument.Meter, gateway.Host.Metrics.Meter))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            measured.Enqueue((instrument.Name, value, string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}")))));
        listener.Start();

        await ChatAsync(client);
        await ChatAsync(client);
        await ChatAsync(client, "n");
        await ChatAsync(gateway.Public);

        Assert.Contains(("aigis.limit.refusals", 1L, "scope=tenant,limit=rpm"), measured);
        Assert.Contains(("aigis.access.refusals", 1L, "code=model_not_allowed"), measured);
        Assert.Contains(("aigis.auth.refusals", 1L, "listener=public,code=missing_api_key"), measured);
        Assert.Contains(("aigis.tokens", 7L, "kind=prompt"), measured);
        Assert.Contains(("aigis.tokens", 11L, "kind=completion"), measured);
    }

    internal static Task<GatewayUnderTest> StartAsync(TestUpstream upstream, TimeProvider time, string models = "[m]") =>
        GatewayUnderTest.StartAsync($"  - {{name: chat, kind: llm, models: {models}, instances: [\"{upstream.Url}\"]}}",
            new AigisHostOptions { TimeProvider = time }, "  auth: required");

    internal static async Task<string> TenantWithKeyAsync(GatewayUnderTest gateway, string tenant, string body)
    {
        var created = await TenantsApi.CreateAsync(gateway.AdminApi, tenant, body);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await KeysApi.CreateAsync(gateway.AdminApi, tenant + "-key", tenant: tenant)).Key;
    }

    internal static Task<HttpResponseMessage> ChatAsync(HttpClient client, string model = "m") =>
        client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}]}"""));

    internal static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

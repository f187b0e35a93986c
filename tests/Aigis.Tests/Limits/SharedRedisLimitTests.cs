using System.Diagnostics;
using System.Net;
using Aigis.Hosting;
using Aigis.Limits.Redis;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using static Aigis.Tests.Limits.RateLimitTests;

namespace Aigis.Tests.Limits;

/// <summary>
/// Gateways sharing their limits through a real redis-server on loopback: one tenant's limit holds across all of
/// them, and a Redis that is missing or cannot run the script is refused at start with a clear message.
/// </summary>
public sealed class SharedRedisLimitTests
{
    [Fact]
    public async Task Three_gateways_sharing_one_redis_hold_a_tenants_rpm_under_concurrent_load()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await TestUpstream.StartAsync("chat");
        var gateways = new List<GatewayUnderTest>();
        try
        {
            var clients = new List<HttpClient>();
            var failures = new List<RedisOutageTests.StoreFailureListener>();
            for (var g = 0; g < 3; g++)
            {
                // A generous timeout: this test is about sharing, and on a busy machine a 50 ms one sends some
                // decisions to the fail-open local share (RedisOutageTests covers that), which is not what is measured.
                var gateway = await StartSharedAsync(upstream, redis, more: "  timeout: 5s\n  replicas: 3");
                gateways.Add(gateway);
                failures.Add(new RedisOutageTests.StoreFailureListener(gateway));
                clients.Add(gateway.PublicWithKey(await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"requests_per_minute":600}}""")));
            }

            // 8 callers per gateway, 1,200 requests in all, round-robin over the gateways: twice what one minute allows.
            var started = Stopwatch.GetTimestamp();
            var next = -1;
            var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
            await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) is var i && i < 1200)
                {
                    using var response = await ChatAsync(clients[i % 3]);
                    statuses.Add(response.StatusCode);
                }
            }));
            var elapsed = Stopwatch.GetElapsedTime(started);

            // GCRA allows the 600 at once and 10 a second after: what replenished while the test ran, rounded up.
            var admitted = statuses.Count(s => s == HttpStatusCode.OK);
            var allowance = 600 + (int)Math.Ceiling(elapsed.TotalSeconds * 10);
            Assert.Equal(1200, statuses.Count);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{s}"));
            Assert.InRange(admitted, 600, allowance);
            Assert.True(admitted <= allowance * 1.01, $"{admitted} admitted, {allowance} allowed in {elapsed.TotalSeconds:F1} s");
            Assert.Equal(admitted, upstream.Received.Count);
            Assert.All(failures, f => Assert.Equal(0, f.Count("fail-open")));
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var listener in failures)
            {
                listener.Dispose();
            }
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                await gateway.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Tokens_a_response_used_on_one_gateway_hold_back_the_next_request_on_another()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"choices":[],"usage":{"prompt_tokens":8,"completion_tokens":1992,"total_tokens":2000}}""");
        });
        await using var first = await StartSharedAsync(upstream, redis);
        await using var second = await StartSharedAsync(upstream, redis);
        const string Tenant = """{"models":["*"],"limits":{"tokens_per_minute":1000}}""";
        using var a = first.PublicWithKey(await TenantWithKeyAsync(first, "acme", Tenant));
        using var b = second.PublicWithKey(await TenantWithKeyAsync(second, "acme", Tenant));

        var spent = await ChatAsync(a);
        var held = await ChatAsync(b);

        // Two minutes' tokens went to the first answer, charged in full when it ended; the other gateway sees it at
        // once, and is told to wait about the minute of debt.
        Assert.Equal(HttpStatusCode.OK, spent.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        Assert.Contains("tokens per minute (TPM): limit 1000", (await Json.ErrorAsync(held)).Message, StringComparison.Ordinal);
        Assert.Equal("0", Header(held, "x-ratelimit-remaining-tokens"));
        Assert.InRange(int.Parse(held.Headers.RetryAfter!.ToString(), System.Globalization.CultureInfo.InvariantCulture), 50, 61);
    }

    [Fact]
    public async Task A_gateway_whose_redis_cannot_run_the_script_refuses_to_start_and_says_why()
    {
        await using var redis = await RedisServer.StartAsync("--rename-command", "EVAL", "", "--rename-command", "EVALSHA", "");
        await using var upstream = await TestUpstream.StartAsync("chat");

        var refused = await Assert.ThrowsAsync<SharedStateUnavailableException>(() => StartSharedAsync(upstream, redis));

        Assert.StartsWith($"state.redis {redis.Endpoint}: cannot run the limits script (", refused.Message, StringComparison.Ordinal);
        Assert.Contains("aigis will not start", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_whose_redis_is_not_there_refuses_to_start_without_echoing_its_password()
    {
        await using var redis = await RedisServer.StartAsync();
        await redis.StopAsync();
        await using var upstream = await TestUpstream.StartAsync("chat");

        var refused = await Assert.ThrowsAsync<SharedStateUnavailableException>(() =>
            StartSharedAsync(upstream, redis, $"redis: \"{redis.Endpoint},password=hunter2-secret\""));

        Assert.StartsWith($"state.redis {redis.Endpoint}: cannot connect (", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", refused.ToString(), StringComparison.Ordinal);
    }

    internal static Task<GatewayUnderTest> StartSharedAsync(TestUpstream upstream, RedisServer redis, string? redisLine = null, string more = "") =>
        GatewayUnderTest.StartAsync($"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}",
            new AigisHostOptions(), "  auth: required",
            $"""
            state:
              backend: redis
              {redisLine ?? $"redis: \"{redis.Endpoint}\""}
            {more}
            """);
}

using System.Diagnostics;
using System.Net;
using Aigis.Tests.Infrastructure;
using static Aigis.Tests.Limits.RateLimitTests;
using static Aigis.Tests.Limits.SharedRedisLimitTests;

namespace Aigis.Tests.Limits;

/// <summary>
/// Redis stopped under load, and started again: no request fails for it or hangs past the timeout, each limit
/// follows its <c>onStoreFailure</c> policy, /readyz and the metric say so, and limits are shared again once Redis
/// answers.
/// </summary>
public sealed class RedisOutageTests
{
    private const string Tenant = """{"models":["*"],"limits":{"requests_per_minute":600}}""";

    // Far above the 50 ms Redis timeout plus a busy machine's scheduling, far below a hang.
    private static readonly TimeSpan s_noHang = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Fail_open_enforces_this_replicas_share_while_redis_is_down_and_shares_again_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartSharedAsync(upstream, redis, more: "  replicas: 2\n  requests: {onStoreFailure: fail-open}");
        using var client = gateway.PublicWithKey(await TenantWithKeyAsync(gateway, "acme", Tenant));
        using var failures = new StoreFailureListener(gateway);

        var load = Load.Start(client);
        await load.WaitForAsync(50);
        await redis.StopAsync();
        await Eventually.TrueAsync(async () => (await LimitsLineAsync(gateway)).Contains("unreachable", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), () => "readyz never reported the outage");
        await load.WaitForAsync(load.Count + 50);
        var duringOutage = await load.StopAsync();

        // A burst while Redis is down: the local share, 600 / 2 replicas, at once and 5 a second after, no more.
        var started = Stopwatch.GetTimestamp();
        var burst = await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => ChatAsync(client)));
        var elapsed = Stopwatch.GetElapsedTime(started);
        var readyLine = await LimitsLineAsync(gateway);

        await redis.StartAgainAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await ChatAsync(client);
            return (await LimitsLineAsync(gateway)).EndsWith(": ok", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), () => "limits never went back to Redis");
        using var shared = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(redis.Endpoint);

        Assert.All(duringOutage, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.TooManyRequests && r.Took < s_noHang, $"{r.Status} in {r.Took}"));
        var admitted = burst.Count(r => r.StatusCode == HttpStatusCode.OK);
        Assert.InRange(admitted, 1, 300 + (int)Math.Ceiling(elapsed.TotalSeconds * 5));
        Assert.All(burst, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, $"{r.StatusCode}"));
        Assert.Contains("requests fail-open (local limit / 2)", readyLine, StringComparison.Ordinal);
        Assert.True(failures.Count("fail-open") > 0);
        Assert.True(await shared.GetDatabase().KeyExistsAsync("aigis:limit:tenant:acme:rpm"));
    }

    [Fact]
    public async Task Fail_closed_refuses_with_503_limits_unavailable_while_redis_is_down_and_admits_again_when_it_returns()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartSharedAsync(upstream, redis, more: "  requests: {onStoreFailure: fail-closed}");
        using var client = gateway.PublicWithKey(await TenantWithKeyAsync(gateway, "acme", Tenant));
        using var failures = new StoreFailureListener(gateway);

        var load = Load.Start(client);
        await load.WaitForAsync(50);
        await redis.StopAsync();
        await Eventually.TrueAsync(async () => (await LimitsLineAsync(gateway)).Contains("unreachable", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), () => "readyz never reported the outage");
        await load.WaitForAsync(load.Count + 50);
        var duringOutage = await load.StopAsync();
        using var refused = await ChatAsync(client);
        var readyLine = await LimitsLineAsync(gateway);

        await redis.StartAgainAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await ChatAsync(client);
            return response.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(20), () => "requests were never admitted again");

        Assert.All(duringOutage, r => Assert.True(r.Status is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable && r.Took < s_noHang, $"{r.Status} in {r.Took}"));
        Assert.Contains(duringOutage, r => r.Status == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("limits_unavailable", (await Json.ErrorAsync(refused)).Code);
        Assert.Equal("1", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("requests fail-closed (503 limits_unavailable)", readyLine, StringComparison.Ordinal);
        Assert.True(failures.Count("fail-closed") > 0);
    }

    [Fact]
    public async Task A_redis_that_hangs_costs_a_request_no_more_than_the_timeout()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartSharedAsync(upstream, redis, more: "  timeout: 50ms\n  requests: {onStoreFailure: fail-closed}");
        using var client = gateway.PublicWithKey(await TenantWithKeyAsync(gateway, "acme", Tenant));
        using var admitted = await ChatAsync(client);

        // SIGSTOP: the connection stays open and nothing answers, the case a timeout exists for.
        using (var stop = Process.Start("kill", ["-STOP", redis.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await stop.WaitForExitAsync(); // the signal has landed before the request is sent
        }

        TimeSpan took;
        HttpResponseMessage hung;
        try
        {
            var started = Stopwatch.GetTimestamp();
            hung = await ChatAsync(client);
            took = Stopwatch.GetElapsedTime(started);
        }
        finally
        {
            using var resume = Process.Start("kill", ["-CONT", redis.Pid!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await resume.WaitForExitAsync();
        }

        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, hung.StatusCode);
        Assert.True(took < TimeSpan.FromSeconds(1), $"took {took}");
        hung.Dispose();
    }

    private static async Task<string> LimitsLineAsync(GatewayUnderTest gateway) =>
        (await Json.ReadAsync(await gateway.Admin.GetAsync("/readyz"))).GetProperty("limits").GetString()!;

    /// <summary>Eight callers sending one after another until stopped, each result with its status and duration.</summary>
    private sealed class Load
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<(HttpStatusCode Status, TimeSpan Took)> _results = new();
        private readonly CancellationTokenSource _stop = new();
        private Task _callers = Task.CompletedTask;

        public int Count => _results.Count;

        public static Load Start(HttpClient client)
        {
            var load = new Load();
            load._callers = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!load._stop.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    using var response = await ChatAsync(client);
                    load._results.Enqueue((response.StatusCode, Stopwatch.GetElapsedTime(started)));
                }
            })));
            return load;
        }

        public Task WaitForAsync(int count) =>
            Eventually.TrueAsync(() => _results.Count >= count || _callers.IsFaulted, TimeSpan.FromSeconds(30), () => $"{_results.Count} of {count} requests done");

        public async Task<(HttpStatusCode Status, TimeSpan Took)[]> StopAsync()
        {
            await _stop.CancelAsync();
            await _callers; // a caller's exception (a reset connection, a timeout) fails the test here
            _stop.Dispose();
            return [.. _results];
        }
    }

    /// <summary>Counts <c>aigis.limit.store_failures</c> on one gateway's meter, by policy.</summary>
    internal sealed class StoreFailureListener : IDisposable
    {
        private readonly System.Diagnostics.Metrics.MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _counts = new();

        public StoreFailureListener(GatewayUnderTest gateway)
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, gateway.Host.Metrics.Meter) && instrument.Name == "aigis.limit.store_failures")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "policy")
                    {
                        _counts.AddOrUpdate((string)tag.Value!, value, (_, c) => c + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string policy) => _counts.GetValueOrDefault(policy);

        public void Dispose() => _listener.Dispose();
    }
}

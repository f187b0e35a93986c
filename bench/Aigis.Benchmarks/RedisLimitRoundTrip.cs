using System.Diagnostics;
using System.Globalization;
using Aigis.Core.Configuration;
using Aigis.Core.Identity;
using Aigis.Identity;
using Aigis.Limits;
using Aigis.Limits.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Aigis.Benchmarks;

/// <summary>
/// What a Redis-backed limit decision costs a request: one script call, timed one after another against a running
/// redis-server (<c>dotnet run -c Release -- redis-roundtrip 127.0.0.1:PORT</c>), beside a plain GET on the same
/// connection for scale. A latency loop, not BenchmarkDotNet: what matters is the round trip's distribution.
/// </summary>
internal static class RedisLimitRoundTrip
{
    public static async Task<int> RunAsync(string endpoint, TextWriter output)
    {
        var config = new StateConfig { Backend = StateBackend.Redis, Redis = endpoint, Timeout = TimeSpan.FromSeconds(1) };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
        await RedisGcraScript.VerifyAsync(redis, endpoint, s => s);
        var registry = new LimitRegistry(TimeProvider.System);
        var metrics = new IdentityMetrics(BenchMeters.NewFactory());
        var backend = new RedisLimitBackend(redis, config, registry, metrics, TimeProvider.System, NullLogger.Instance);
        var limits = new TenantLimits { RequestsPerMinute = long.MaxValue / 4, TokensPerMinute = long.MaxValue / 4 };
        var tenant = registry.EnterTenant("bench-tenant", limits)!;
        var key = registry.EnterKey("bench-key", new TenantLimits { RequestsPerMinute = long.MaxValue / 4 })!;
        var database = redis.GetDatabase();

        var decide = await MeasureAsync(async () => await backend.AdmitAsync(tenant, key, 100));
        var get = await MeasureAsync(async () => await database.StringGetAsync("aigis:bench:get"));
        output.WriteLine(Line("limit decision (3 limits, 1 script call)", decide));
        output.WriteLine(Line("plain GET", get));
        return 0;
    }

    private static async Task<double[]> MeasureAsync(Func<Task> call)
    {
        for (var i = 0; i < 2_000; i++)
        {
            await call();
        }

        var micros = new double[20_000];
        for (var i = 0; i < micros.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await call();
            micros[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        Array.Sort(micros);
        return micros;
    }

    private static string Line(string what, double[] sorted) => string.Create(CultureInfo.InvariantCulture,
        $"{what}: n={sorted.Length} p50={At(sorted, 0.50):F0}us p90={At(sorted, 0.90):F0}us p99={At(sorted, 0.99):F0}us p99.9={At(sorted, 0.999):F0}us");

    private static double At(double[] sorted, double quantile) => sorted[(int)Math.Min(sorted.Length - 1, quantile * sorted.Length)];
}

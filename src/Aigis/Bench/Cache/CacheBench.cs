using System.Globalization;
using System.Text.Json;
using Aigis.Cli;
using Aigis.Core.Caching;

namespace Aigis.Bench.Cache;

/// <summary>What <c>aigis bench cache</c> was asked to run.</summary>
internal sealed record CacheBenchArguments
{
    public int Keys { get; init; } = 10_000;

    public int Requests { get; init; } = 1_000_000;

    public double Exponent { get; init; } = 1.0;

    /// <summary>Cache sizes as shares of the distinct keys (each answer the same size, so bytes and entries agree).</summary>
    public IReadOnlyList<double> Capacities { get; init; } = [0.01, 0.05, 0.1, 0.2];

    public IReadOnlyList<string> Policies { get; init; } = ["lfu", "lru"];

    public int Seed { get; init; } = 1;

    public int AnswerBytes { get; init; } = 1024;

    public bool Json { get; init; }
}

/// <summary>One policy at one cache size.</summary>
internal sealed record CacheBenchResult(string Policy, double Capacity, int Entries, int Requests, int Hits, double HitRate, long Evictions);

/// <summary>
/// <c>aigis bench cache</c>: the exact cache's eviction policies compared by hit rate on the same seeded Zipf stream of
/// request keys, through the store the gateway uses (<see cref="ResponseStore"/>, bounded by bytes). A miss stores
/// the answer, as the gateway does. Hit rates are counts, not timings: a busy machine does not change them.
/// </summary>
internal static class CacheBench
{
    private const string Command = "aigis bench cache";

    public static int Run(CacheBenchArguments arguments, TextWriter output, TextWriter error)
    {
        if (Check(arguments) is { } problem)
        {
            error.WriteLine($"{Command}: {problem}");
            return ExitCodes.BadInput;
        }

        // One stream for every run: each policy and size sees the very same keys in the same order.
        var zipf = new ZipfDistribution(arguments.Keys, arguments.Exponent, new Random(arguments.Seed));
        var stream = new int[arguments.Requests];
        for (var i = 0; i < stream.Length; i++)
        {
            stream[i] = zipf.Next();
        }

        var results = new List<CacheBenchResult>();
        foreach (var capacity in arguments.Capacities)
        {
            foreach (var policy in arguments.Policies)
            {
                results.Add(RunOne(arguments, stream, policy, capacity));
            }
        }

        if (arguments.Json)
        {
            foreach (var result in results)
            {
                output.WriteLine(JsonSerializer.Serialize(result, CacheBenchJsonContext.Default.CacheBenchResult));
            }

            return ExitCodes.Success;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Zipf({arguments.Exponent}) over {arguments.Keys} keys, {arguments.Requests} requests, seed {arguments.Seed}"));
        output.WriteLine($"{"policy",-8}{"capacity",10}{"entries",10}{"hits",12}{"hit_rate",10}{"evictions",12}");
        foreach (var r in results)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Policy,-8}{r.Capacity,10:P1}{r.Entries,10}{r.Hits,12}{r.HitRate,10:F4}{r.Evictions,12}"));
        }

        return ExitCodes.Success;
    }

    private static CacheBenchResult RunOne(CacheBenchArguments arguments, int[] stream, string policy, double capacity)
    {
        var answer = new CachedAnswer(200, "application/json", [new byte[arguments.AnswerBytes]], 0);
        var entries = Math.Max(1, (int)Math.Round(arguments.Keys * capacity));
        var options = new ResponseCacheOptions
        {
            Enabled = true,
            MaxBytes = Math.Max(64 * 1024, entries * answer.Bytes),
            MaxEntryBytes = answer.Bytes,
            Ttl = TimeSpan.FromDays(1),
            Policy = policy == "lru" ? CacheEvictionPolicy.Lru : CacheEvictionPolicy.Lfu,
        };
        var store = new ResponseStore(options, TimeProvider.System);
        var hits = 0;
        foreach (var key in stream)
        {
            if (store.TryGet((UInt128)key, out _))
            {
                hits++;
            }
            else
            {
                store.TryAdd((UInt128)key, answer);
            }
        }

        return new CacheBenchResult(policy, capacity, (int)(options.MaxBytes / answer.Bytes), stream.Length, hits, (double)hits / stream.Length, store.Evictions);
    }

    private static string? Check(CacheBenchArguments arguments)
    {
        if (arguments.Keys is < 1 or > 10_000_000)
        {
            return "--keys must be between 1 and 10000000";
        }

        if (arguments.Requests is < 1 or > 100_000_000)
        {
            return "--requests must be between 1 and 100000000";
        }

        if (arguments.Exponent is < 0 or > 10 || double.IsNaN(arguments.Exponent))
        {
            return "--zipf must be between 0 and 10";
        }

        if (arguments.Capacities.Count == 0 || arguments.Capacities.Any(c => c is <= 0 or > 1 || double.IsNaN(c)))
        {
            return "--capacity takes shares of the keys above 0 and at most 1, e.g. 0.01,0.1";
        }

        return arguments.Policies.FirstOrDefault(p => p is not ("lfu" or "lru")) is { } unknown
            ? $"unknown policy '{unknown}'; the policies are lfu and lru"
            : null;
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(CacheBenchResult))]
internal sealed partial class CacheBenchJsonContext : System.Text.Json.Serialization.JsonSerializerContext;

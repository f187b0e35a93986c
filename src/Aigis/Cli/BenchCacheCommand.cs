using System.CommandLine;
using System.Globalization;
using Aigis.Bench.Cache;

namespace Aigis.Cli;

/// <summary><c>aigis bench cache</c>: the exact cache's LFU and LRU hit rates on a Zipf key stream.</summary>
internal static class BenchCacheCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var defaults = new CacheBenchArguments();
        var keys = new Option<int>("--keys") { Description = "Distinct request keys.", DefaultValueFactory = _ => defaults.Keys };
        var requests = new Option<int>("--requests") { Description = "Requests drawn from them.", DefaultValueFactory = _ => defaults.Requests };
        var zipf = new Option<double>("--zipf") { Description = "The Zipf exponent s (popularity of rank r is 1/r^s).", DefaultValueFactory = _ => defaults.Exponent };
        var capacity = new Option<string>("--capacity") { Description = "Comma-separated cache sizes as shares of the keys.", DefaultValueFactory = _ => "0.01,0.05,0.1,0.2" };
        var policies = new Option<string>("--policies") { Description = "Comma-separated policies: lfu (W-TinyLFU), lru.", DefaultValueFactory = _ => "lfu,lru" };
        var seed = new Option<int>("--seed") { Description = "Seeds the key stream.", DefaultValueFactory = _ => defaults.Seed };
        var json = new Option<bool>("--json") { Description = "One JSON object per policy and size per line." };
        var command = new Command("cache", "Compare the response cache's eviction policies by hit rate on the same seeded Zipf stream of keys.")
        {
            keys, requests, zipf, capacity, policies, seed, json,
        };
        command.SetAction(parse =>
        {
            var shares = new List<double>();
            foreach (var part in parse.GetValue(capacity)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var share))
                {
                    error.WriteLine($"aigis bench cache: --capacity: '{part}' is not a number; write shares of the keys, e.g. 0.01,0.1");
                    return ExitCodes.BadInput;
                }

                shares.Add(share);
            }

            return CacheBench.Run(new CacheBenchArguments
            {
                Keys = parse.GetValue(keys),
                Requests = parse.GetValue(requests),
                Exponent = parse.GetValue(zipf),
                Capacities = shares,
                Policies = parse.GetValue(policies)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Seed = parse.GetValue(seed),
                Json = parse.GetValue(json),
            }, output, error);
        });
        return command;
    }
}

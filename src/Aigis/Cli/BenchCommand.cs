using System.CommandLine;
using Aigis.Bench.Load;
using Aigis.Bench.Routing;
using Aigis.Bench.Routing.Presets;
using Aigis.Core.Balancing;
using Aigis.Core.Configuration;

namespace Aigis.Cli;

/// <summary>
/// <c>aigis bench</c>: the project's own benchmarks. <c>routing</c> compares balancing policies on a simulated fleet;
/// <c>load</c> sends open-loop load at a real URL; <c>placement</c> and <c>autoscale</c> compare placement and autoscaling policies in simulation; <c>cache</c> compares the response cache's eviction policies by hit rate.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(TextWriter output, TextWriter error) =>
        new("bench", "Run the project's benchmarks.")
        {
            CreateRouting(output, error),
            CreateLoad(output, error),
            BenchPlacementCommand.Create(output, error),
            BenchAutoscaleCommand.Create(output, error),
            BenchCacheCommand.Create(output, error),
        };

    private static Command CreateRouting(TextWriter output, TextWriter error)
    {
        var workload = new Option<string>("--workload")
        {
            Description = $"A preset ({string.Join(", ", WorkloadPresets.Names)}) or a workload file (JSON Lines).",
            Required = true,
        };
        var replicas = new Option<int?>("--replicas") { Description = "Simulated model replicas (required unless only writing a workload)." };
        var policies = new Option<string?>("--policies") { Description = $"Comma-separated balancing policies to compare: {string.Join(",", LoadBalancingPolicyNames.All)}." };
        var load = new Option<double?>("--load")
        {
            Description = $"Rescale arrival times so the mean rate is this fraction of the fleet's capacity, measured by saturating one replica with the same requests. Without it a file's times stand and presets arrive at {WorkloadPresets.DefaultRatePerSecond} req/s.",
        };
        var seed = new Option<int>("--seed") { Description = "Seeds the presets and the policies' random choices.", DefaultValueFactory = _ => 1 };
        var requests = new Option<int?>("--requests") { Description = $"How many requests: a preset generates this many (default {WorkloadPresets.DefaultRequests}); a file is cut to its first N." };
        var scrapeInterval = new Option<string>("--scrape-interval") { Description = "How often the gateway scrapes replicas' metrics.", DefaultValueFactory = _ => "250ms" };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per policy per line instead of a table." };
        var writeWorkload = new Option<string?>("--write-workload") { Description = "Write the workload as JSON Lines to FILE and exit." };
        var details = new Option<bool>("--details") { Description = "Also print diagnostics per policy: preemptions, dispatch imbalance, scraped queue lengths." };
        var command = new Command("routing", "Compare load-balancing policies on a simulated fleet of LLM servers in virtual time.")
        {
            workload, replicas, policies, load, seed, requests, scrapeInterval, json, writeWorkload, details,
        };
        command.SetAction(parse =>
        {
            if (!DurationParser.TryParse(parse.GetValue(scrapeInterval)!, out var interval, out var problem))
            {
                error.WriteLine($"aigis bench routing: --scrape-interval: {problem}");
                return ExitCodes.BadInput;
            }

            var names = parse.GetValue(policies) is { } list
                ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
            var arguments = new RoutingBenchArguments
            {
                Workload = parse.GetValue(workload)!,
                Replicas = parse.GetValue(replicas),
                Policies = names,
                Load = parse.GetValue(load),
                Seed = parse.GetValue(seed),
                Requests = parse.GetValue(requests),
                ScrapeInterval = interval,
                Json = parse.GetValue(json),
                WriteWorkload = parse.GetValue(writeWorkload),
                Details = parse.GetValue(details),
            };
            return RoutingBench.Run(arguments, output, error);
        });
        return command;
    }

    private static Command CreateLoad(TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url") { Description = "Where to send requests (the gateway's /v1/chat/completions, a /svc/ URL, ...).", Required = true };
        var rate = new Option<double>("--rate") { Description = "Requests started per second, whatever the answers do (open loop).", Required = true };
        var duration = new Option<string>("--duration") { Description = "How long to send, e.g. 30s or 2m.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object (with errors by status) instead of a table." };
        var body = new Option<string?>("--body") { Description = "POST this file's bytes as JSON in every request." };
        var model = new Option<string?>("--model") { Description = "POST a small chat completion for this model in every request." };
        var header = new Option<string[]>("--header") { Description = "A request header NAME:VALUE (repeatable), e.g. --header 'authorization: Bearer KEY'.", AllowMultipleArgumentsPerToken = false };
        var stream = new Option<bool>("--stream") { Description = "Ask for a streamed answer (with --model) and count a stream that does not end with [DONE] as an error." };
        var cap = new Option<int>("--concurrency-cap") { Description = "Most requests open at once; later ones wait, their latency counted from when they were due.", DefaultValueFactory = _ => LoadPlan.DefaultConcurrencyCap };
        var timeout = new Option<string>("--timeout") { Description = "A request without a complete answer by then counts as a timeout error.", DefaultValueFactory = _ => "30s" };
        var command = new Command("load", "Send constant-rate open-loop load at a URL and print rps and latency percentiles measured without coordinated omission.")
        {
            url, rate, duration, json, body, model, header, stream, cap, timeout,
        };
        command.SetAction((parse, cancellation) => LoadBench.RunAsync(new LoadBenchArguments
        {
            Url = parse.GetValue(url)!,
            Rate = parse.GetValue(rate),
            Duration = parse.GetValue(duration)!,
            Json = parse.GetValue(json),
            BodyFile = parse.GetValue(body),
            Model = parse.GetValue(model),
            Headers = parse.GetValue(header) ?? [],
            Stream = parse.GetValue(stream),
            ConcurrencyCap = parse.GetValue(cap),
            Timeout = parse.GetValue(timeout)!,
        }, output, error, cancellation));
        return command;
    }
}

using System.Globalization;
using System.Text.Json;
using Aigis.Bench.Routing.Presets;
using Aigis.Bench.Routing.Reporting;
using Aigis.Bench.Routing.Simulation;
using Aigis.Bench.Routing.Workloads;
using Aigis.Cli;
using Aigis.Core.Balancing;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Routing;

/// <summary>
/// <c>aigis bench routing</c>: loads or generates a workload, optionally sets its rate from the fleet's measured
/// capacity, runs it once per policy through a simulated fleet in virtual time, and prints one result per policy.
/// </summary>
internal static class RoutingBench
{
    private const string Command = "aigis bench routing";

    public static int Run(RoutingBenchArguments arguments, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (Check(arguments) is { } problem)
        {
            error.WriteLine($"{Command}: {problem}");
            return ExitCodes.BadInput;
        }

        var engine = new EngineOptions();
        var isPreset = WorkloadPresets.IsPreset(arguments.Workload);
        Workload workload;
        if (isPreset)
        {
            workload = WorkloadPresets.Generate(arguments.Workload, arguments.Requests ?? WorkloadPresets.DefaultRequests, arguments.Seed);
        }
        else
        {
            if (!File.Exists(arguments.Workload))
            {
                error.WriteLine($"{Command}: '{arguments.Workload}' is neither a preset ({string.Join(", ", WorkloadPresets.Names)}) nor a workload file");
                return ExitCodes.BadInput;
            }

            var read = WorkloadJsonl.ReadFile(arguments.Workload, engine.MaxModelTokens);
            if (read.Error is not null)
            {
                error.WriteLine($"{Command}: {read.Error}");
                return ExitCodes.BadInput;
            }

            workload = read.Workload!.Take(arguments.Requests ?? int.MaxValue);
        }

        // In --json mode stdout carries only the result lines; what the run was goes to stderr.
        var info = arguments.Json || arguments.WriteWorkload is not null ? error : output;
        var started = TimeProvider.System.GetTimestamp();
        var prepared = PreparedWorkload.From(workload, engine.BlockSize);
        info.WriteLine(Describe(arguments, isPreset, workload, prepared));
        if (arguments.Load is { } load)
        {
            if (workload.MeanRatePerSecond <= 0)
            {
                error.WriteLine($"{Command}: --load needs arrivals spread over time, but every request of the workload arrives at once");
                return ExitCodes.BadInput;
            }

            var replicas = arguments.Replicas!.Value;
            var perReplica = CapacityProbe.RequestsPerSecond(prepared, engine);
            var target = load * perReplica * replicas;
            workload = workload.WithMeanRate(target);
            prepared = prepared.WithArrivalsOf(workload);
            info.WriteLine(Invariant($"capacity: one replica completes {perReplica:F2} req/s at saturation (every request queued at once); {replicas} replicas: {perReplica * replicas:F2} req/s"));
            info.WriteLine(Invariant($"arrivals: rescaled to a mean of {workload.MeanRatePerSecond:F2} req/s (load {load:0.###} x capacity) over {workload.SpanMs / 1000:F1} s"));
        }
        else
        {
            var source = isPreset
                ? Invariant($"the preset's default rate of {WorkloadPresets.DefaultRatePerSecond:0.#} req/s; --load sets it from the fleet's capacity")
                : "the file's times";
            info.WriteLine(Invariant($"arrivals: mean {workload.MeanRatePerSecond:F2} req/s over {workload.SpanMs / 1000:F1} s ({source})"));
        }

        if (arguments.WriteWorkload is { } path)
        {
            return Write(path, workload, output, error);
        }

        var settings = new RoutingSimulationSettings
        {
            Replicas = arguments.Replicas!.Value,
            Seed = arguments.Seed,
            ScrapeInterval = arguments.ScrapeInterval,
            Engine = engine,
            Balancing = new BalancingOptions(),
        };
        info.WriteLine(Invariant($"fleet: {settings.Replicas} replicas, each {engine.TotalBlocks}x{engine.BlockSize}-token KV blocks, {engine.MaxRunningRequests} sequences, {engine.MaxBatchedTokens} tokens a step; metrics scraped every {settings.ScrapeInterval.TotalMilliseconds:0.###} ms; seed {arguments.Seed}"));
        if (!arguments.Json)
        {
            info.WriteLine();
        }

        var results = Simulate(prepared, settings, arguments.Policies);
        if (arguments.Json)
        {
            foreach (var result in results)
            {
                output.WriteLine(JsonSerializer.Serialize(PolicyResultLine.From(result), BenchJsonContext.Default.PolicyResultLine));
            }
        }
        else
        {
            ResultTable.Write(output, results);
        }

        if (arguments.Details)
        {
            info.WriteLine();
            ResultTable.WriteDetails(info, results);
        }

        var elapsed = TimeProvider.System.GetElapsedTime(started);
        error.WriteLine(Invariant($"simulated {results.Length} {(results.Length == 1 ? "policy" : "policies")} x {workload.Count} requests on {settings.Replicas} replicas in {elapsed.TotalSeconds:F1} s"));
        return ExitCodes.Success;
    }

    /// <summary>Each policy's run is independent and single-threaded; running them side by side changes no number.</summary>
    private static PolicyResult[] Simulate(PreparedWorkload workload, RoutingSimulationSettings settings, IReadOnlyList<string> policies)
    {
        var results = new PolicyResult[policies.Count];
        Parallel.For(0, policies.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            results[i] = RoutingSimulation.Run(workload, settings, policies[i]));
        return results;
    }

    private static string? Check(RoutingBenchArguments arguments)
    {
        var simulating = arguments.WriteWorkload is null;
        if ((simulating || arguments.Load is not null) && arguments.Replicas is null)
        {
            return simulating ? "--replicas is required" : "--load needs --replicas (capacity is per fleet)";
        }

        if (arguments.Replicas is < 1 or > 100_000)
        {
            return "--replicas must be between 1 and 100000";
        }

        if (simulating && arguments.Policies.Count == 0)
        {
            return $"--policies is required: a comma-separated list of {string.Join(", ", LoadBalancingPolicyNames.All)}";
        }

        foreach (var policy in arguments.Policies)
        {
            if (!LoadBalancingPolicyNames.All.Contains(policy, StringComparer.Ordinal))
            {
                return $"unknown policy '{policy}'; known: {string.Join(", ", LoadBalancingPolicyNames.All)}";
            }
        }

        if (arguments.Load is { } load && (!double.IsFinite(load) || load <= 0 || load > 100))
        {
            return "--load must be a fraction of capacity above 0 (e.g. 0.8), at most 100";
        }

        if (arguments.Requests is < 1)
        {
            return "--requests must be 1 or more";
        }

        return arguments.ScrapeInterval <= TimeSpan.Zero ? "--scrape-interval must be positive" : null;
    }

    private static string Describe(RoutingBenchArguments arguments, bool isPreset, Workload workload, PreparedWorkload prepared)
    {
        var sessions = new HashSet<string>(StringComparer.Ordinal);
        long promptTokens = 0;
        long outputTokens = 0;
        long blocks = 0;
        var longest = 0;
        for (var i = 0; i < workload.Count; i++)
        {
            var request = workload.Requests[i];
            if (request.Session is not null)
            {
                sessions.Add(request.Session);
            }

            promptTokens += prepared.PromptTokens[i];
            outputTokens += request.MaxTokens;
            blocks += prepared.Chains.BlockCount(prepared.PromptNode[i]);
            longest = Math.Max(longest, prepared.PromptTokens[i]);
        }

        var source = isPreset ? Invariant($"{arguments.Workload} (preset, seed {arguments.Seed})") : arguments.Workload;
        var shared = blocks == 0 ? 0 : 1 - ((double)prepared.Chains.DistinctBlocks / blocks);
        return Invariant(
            $"workload: {source}: {workload.Count} requests, {sessions.Count} sessions, prompts {(double)promptTokens / workload.Count:F0} tokens on average (longest {longest}), max_tokens {(double)outputTokens / workload.Count:F0} on average; {shared * 100:F1}% of prompt blocks repeat an earlier prompt's prefix");
    }

    private static int Write(string path, Workload workload, TextWriter output, TextWriter error)
    {
        try
        {
            using (var stream = File.Create(path))
            {
                WorkloadJsonl.Write(stream, workload);
            }

            output.WriteLine($"wrote {workload.Count} requests to {path}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Outside the program: an unwritable path is reported in one line.
            error.WriteLine($"{Command}: cannot write {path}: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text.Json;
using Aigis.Bench.Routing.Reporting;
using Aigis.Bench.Routing.Simulation;
using Aigis.Bench.Routing.Workloads;
using Aigis.Cli;
using Aigis.Core.Autoscaling;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Autoscale;

/// <summary>
/// <c>aigis bench autoscale</c>: runs one workload through <see cref="AutoscaleSimulation"/> once per policy and
/// prints one result per policy.
/// </summary>
/// <remarks>
/// Every policy gets the same per-replica target, measured rather than guessed: one replica's saturation rate μ
/// (<see cref="CapacityProbe"/>), then the requests in flight one replica holds at 0.7 μ (Knative's default target
/// utilization of 70%); aigis gets the same operating point as a rate, 0.7 μ. <c>fixed</c> runs enough replicas for
/// the workload's busiest minute at 0.7 μ each, and every policy starts with that many, as a service already running.
/// </remarks>
internal static class AutoscaleBench
{
    private const string Command = "aigis bench autoscale";
    private const double TargetUtilization = 0.7;
    private const int CalibrationRequests = 3000;

    public static int Run(AutoscaleBenchArguments arguments, TextWriter output, TextWriter error)
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
        Workload workload;
        if (AutoscalePresets.IsPreset(arguments.Workload))
        {
            workload = AutoscalePresets.Generate(arguments.Workload, arguments.Seed);
        }
        else
        {
            var read = WorkloadJsonl.ReadFile(arguments.Workload, engine.MaxModelTokens);
            if (read.Error is not null)
            {
                error.WriteLine($"{Command}: {read.Error} (generic-service workloads, {{\"at_ms\",\"service_ms\"}} lines, are not supported yet)");
                return ExitCodes.BadInput;
            }

            workload = read.Workload!;
        }

        if (arguments.WriteWorkload is { } path)
        {
            using var stream = File.Create(path);
            WorkloadJsonl.Write(stream, workload);
            output.WriteLine($"wrote {workload.Count} requests to {path}");
            return ExitCodes.Success;
        }

        var info = arguments.Json ? error : output;
        var prepared = PreparedWorkload.From(workload, engine.BlockSize);
        var sample = workload.Take(CalibrationRequests);
        var perReplica = CapacityProbe.RequestsPerSecond(PreparedWorkload.From(sample, engine.BlockSize), engine);
        var comfortable = TargetUtilization * perReplica;
        var settings = new AutoscaleSettings
        {
            ColdStart = TimeSpan.FromSeconds(arguments.ColdStartSeconds),
            SloTtftMs = arguments.SloTtftMs,
            Seed = arguments.Seed,
            Engine = engine,
        };
        var target = arguments.TargetPerReplica ?? MeasureTarget(sample, comfortable, settings);
        var fixedReplicas = Math.Max(1, (int)Math.Ceiling(BusiestMinute(workload, firstOnly: false) / comfortable));
        settings = settings with { InitialReplicas = fixedReplicas };
        info.WriteLine(Invariant($"workload: {arguments.Workload}: {workload.Count} requests over {workload.SpanMs / 1000:F0} s, mean {workload.MeanRatePerSecond:F2} req/s, busiest minute {BusiestMinute(workload, false):F2} req/s"));
        info.WriteLine(Invariant($"replica: saturates at {perReplica:F2} req/s; at {TargetUtilization:P0} of that it holds {target:F1} requests in flight, the target of hpa, kpa and aigis{(arguments.TargetPerReplica is null ? string.Empty : " (given)")}; {comfortable:F2} req/s, the rate aigis starts from; fixed runs {fixedReplicas}, and every policy starts with that many"));
        info.WriteLine(Invariant($"objective: time to first token within {arguments.SloTtftMs:0.#} ms; cold start {arguments.ColdStartSeconds:0.#} s; balancer {settings.Balancer}; seed {arguments.Seed}"));

        if (arguments.Decisions)
        {
            settings = settings with { DecisionLog = error };
        }

        // Each run is single-threaded and deterministic; side by side changes no number (unless decisions are logged).
        var results = new AutoscaleResult[arguments.Policies.Count];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = arguments.Decisions ? 1 : Environment.ProcessorCount }, i =>
            results[i] = new AutoscaleSimulation(prepared, settings, time => Create(arguments.Policies[i], target, comfortable, fixedReplicas, arguments, time)).Run());
        if (arguments.Json)
        {
            foreach (var result in results)
            {
                output.WriteLine(JsonSerializer.Serialize(result.ToLine(), AutoscaleJsonContext.Default.AutoscaleResultLine));
            }
        }
        else
        {
            info.WriteLine();
            WriteTable(output, results);
        }

        return ExitCodes.Success;
    }

    public static IAutoscalingPolicy Create(string name, double target, double rate, int fixedReplicas, AutoscaleBenchArguments arguments, TimeProvider time) => name switch
    {
        AutoscalingNames.Fixed => new FixedPolicy(fixedReplicas, time),
        AutoscalingNames.Hpa => new HpaPolicy(new HpaOptions { TargetPerReplica = target }, time),
        AutoscalingNames.Kpa => new KpaPolicy(new KpaOptions { TargetPerReplica = target }, time),
        AutoscalingNames.Aigis => new AigisPolicy(new AigisScalingOptions { TargetPerReplica = target, RatePerReplica = rate, SloTtftMs = arguments.SloTtftMs, ColdStart = TimeSpan.FromSeconds(arguments.ColdStartSeconds) }, time),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "not an autoscaling policy"),
    };

    /// <summary>Requests in flight on one replica fed at <paramref name="rate"/>, measured in the same simulation.</summary>
    private static double MeasureTarget(Workload sample, double rate, AutoscaleSettings settings)
    {
        // The sample's own times may be bursty (a step preset's are); evenly spaced arrivals measure the replica, not the burst.
        var even = new Workload([.. sample.Requests.Select((r, i) => r with { AtMs = Math.Round(i * 1000 / rate, 3) })]);
        var paced = PreparedWorkload.From(even, settings.Engine.BlockSize);
        var run = new AutoscaleSimulation(paced, settings with { InitialReplicas = 1 }, time => new FixedPolicy(1, time)).Run();
        return Math.Max(1, run.MeanInFlightPerReplica);
    }

    /// <summary>The most arrivals in any 60 s (or in the first 60 s), per second.</summary>
    private static double BusiestMinute(Workload workload, bool firstOnly)
    {
        var requests = workload.Requests;
        var best = 0;
        var from = 0;
        for (var to = 0; to < requests.Count; to++)
        {
            while (requests[to].AtMs - requests[from].AtMs >= 60_000)
            {
                from++;
            }

            if (firstOnly && requests[to].AtMs - requests[0].AtMs >= 60_000)
            {
                break;
            }

            best = Math.Max(best, to - from + 1);
        }

        return best / 60.0;
    }

    private static string? Check(AutoscaleBenchArguments arguments)
    {
        if (arguments.WriteWorkload is null && arguments.Policies.Count == 0)
        {
            return $"--policies is required: a comma-separated list of {string.Join(", ", AutoscalingNames.All)}";
        }

        foreach (var policy in arguments.Policies)
        {
            if (!AutoscalingNames.All.Contains(policy, StringComparer.Ordinal))
            {
                return $"unknown policy '{policy}'; known: {string.Join(", ", AutoscalingNames.All)}";
            }
        }

        if (!AutoscalePresets.IsPreset(arguments.Workload) && !File.Exists(arguments.Workload))
        {
            return $"--workload: '{arguments.Workload}' is neither a preset ({string.Join(", ", AutoscalePresets.Names)}) nor a file";
        }

        return arguments.SloTtftMs is <= 0 or > 1e7 || !double.IsFinite(arguments.SloTtftMs) ? "--slo-ttft-ms must be above 0"
            : arguments.ColdStartSeconds is < 0 or > 3600 || !double.IsFinite(arguments.ColdStartSeconds) ? "--cold-start-s must be between 0 and 3600"
            : arguments.TargetPerReplica is <= 0 ? "--target must be above 0"
            : null;
    }

    private static void WriteTable(TextWriter output, AutoscaleResult[] results)
    {
        string[] header = ["policy", "requests", "slo_attainment", "ttft_p50_ms", "ttft_p99_ms", "replica_seconds", "scale_ups", "scale_downs", "direction_changes", "dropped", "max_replicas"];
        var rows = results.Select(r => r.ToLine()).Select(l => new[]
        {
            l.Policy, Invariant($"{l.Requests}"), Invariant($"{l.SloAttainment:F4}"), Invariant($"{l.TtftP50Ms:F1}"), Invariant($"{l.TtftP99Ms:F1}"),
            Invariant($"{l.ReplicaSeconds:F0}"), Invariant($"{l.ScaleUps}"), Invariant($"{l.ScaleDowns}"), Invariant($"{l.DirectionChanges}"),
            Invariant($"{l.Dropped}"), Invariant($"{l.MaxReplicas}"),
        }).ToList();
        ResultTable.WriteAligned(output, header, rows);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

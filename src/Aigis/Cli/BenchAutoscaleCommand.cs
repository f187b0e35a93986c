using System.CommandLine;
using Aigis.Bench.Autoscale;
using Aigis.Core.Autoscaling;

namespace Aigis.Cli;

/// <summary><c>aigis bench autoscale</c>: compares autoscaling policies in virtual time (its own file so <see cref="BenchCommand"/> only lists it).</summary>
internal static class BenchAutoscaleCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var workload = new Option<string>("--workload") { Description = $"A preset ({string.Join(", ", AutoscalePresets.Names)}) or a workload file (the routing bench's JSON Lines).", Required = true };
        var policies = new Option<string?>("--policies") { Description = $"Comma-separated autoscaling policies to compare: {string.Join(",", AutoscalingNames.All)}." };
        var slo = new Option<double>("--slo-ttft-ms") { Description = "The time-to-first-token objective.", DefaultValueFactory = _ => 500 };
        var coldStart = new Option<double>("--cold-start-s") { Description = "Seconds from asking for a replica to its serving (model load).", DefaultValueFactory = _ => 60 };
        var target = new Option<double?>("--target") { Description = "Requests in flight per replica that hpa, kpa and aigis aim at (default: measured at 70% of a replica's saturation rate)." };
        var concurrency = new Option<int?>("--concurrency") { Description = "Generic-service mode (requests a replica serves at once): not supported yet." };
        var seed = new Option<int>("--seed") { Description = "Seeds the presets and the balancer.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per policy per line instead of a table." };
        var writeWorkload = new Option<string?>("--write-workload") { Description = "Write the workload as JSON Lines to FILE and exit." };
        var decisions = new Option<bool>("--decisions") { Description = "Write every scaling decision with its inputs to stderr." };
        var command = new Command("autoscale", "Compare autoscaling policies on a simulated LLM service in virtual time, replicas with cold starts behind the real balancer.")
        {
            workload, policies, slo, coldStart, target, concurrency, seed, json, writeWorkload, decisions,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(concurrency) is not null)
            {
                error.WriteLine("aigis bench autoscale: --concurrency (generic-service workloads) is not supported yet");
                return ExitCodes.BadInput;
            }

            return AutoscaleBench.Run(new AutoscaleBenchArguments
            {
                Workload = parse.GetValue(workload)!,
                Policies = parse.GetValue(policies) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
                SloTtftMs = parse.GetValue(slo),
                ColdStartSeconds = parse.GetValue(coldStart),
                TargetPerReplica = parse.GetValue(target),
                Seed = parse.GetValue(seed),
                Json = parse.GetValue(json),
                WriteWorkload = parse.GetValue(writeWorkload),
                Decisions = parse.GetValue(decisions),
            }, output, error);
        });
        return command;
    }
}

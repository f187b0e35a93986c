using System.CommandLine;
using Aigis.Bench.Placement;
using Aigis.Core.Placement;

namespace Aigis.Cli;

/// <summary><c>aigis bench placement</c>: compares placement policies on a simulated cluster (its own file so <see cref="BenchCommand"/> only lists it).</summary>
internal static class BenchPlacementCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var nodes = new Option<string>("--nodes") { Description = $"A nodes file (JSON Lines) or the preset {ClusterPresets.GpuCluster}.", Required = true };
        var workload = new Option<string>("--workload") { Description = $"A replica workload file (JSON Lines) or the preset {ClusterPresets.GpuMix}.", Required = true };
        var policies = new Option<string?>("--policies") { Description = $"Comma-separated placement policies to compare: {string.Join(",", PlacementPolicyNames.All)}." };
        var removeNodes = new Option<int>("--remove-nodes") { Description = "Nodes that fail at mid-run (chosen by the seed); what ran there is placed again." };
        var seed = new Option<int>("--seed") { Description = "Seeds the presets and the choice of failing nodes.", DefaultValueFactory = _ => 1 };
        var presetNodes = new Option<int>("--preset-nodes") { Description = $"Nodes in the {ClusterPresets.GpuCluster} preset.", DefaultValueFactory = _ => ClusterPresets.DefaultNodes };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per policy per line instead of a table." };
        var writeWorkload = new Option<string?>("--write-workload") { Description = "Write the workload as JSON Lines to FILE and exit." };
        var writeNodes = new Option<string?>("--write-nodes") { Description = "Write the nodes as JSON Lines to FILE and exit." };
        var command = new Command("placement", "Compare placement policies on a simulated cluster: a discrete-event run of replica arrivals, departures and node loss.")
        {
            nodes, workload, policies, removeNodes, seed, presetNodes, json, writeWorkload, writeNodes,
        };
        command.SetAction(parse => PlacementBench.Run(new PlacementBenchArguments
        {
            Nodes = parse.GetValue(nodes)!,
            Workload = parse.GetValue(workload)!,
            Policies = parse.GetValue(policies) is { } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [],
            RemoveNodes = parse.GetValue(removeNodes),
            Seed = parse.GetValue(seed),
            PresetNodes = parse.GetValue(presetNodes),
            Json = parse.GetValue(json),
            WriteWorkload = parse.GetValue(writeWorkload),
            WriteNodes = parse.GetValue(writeNodes),
        }, output, error));
        return command;
    }
}

using System.Globalization;
using System.Text.Json;
using Aigis.Bench.Routing.Reporting;
using Aigis.Cli;
using Aigis.Core.Placement;

namespace Aigis.Bench.Placement;

/// <summary>
/// <c>aigis bench placement</c>: loads or generates a cluster and a stream of replica requests, runs the stream once
/// per policy through <see cref="PlacementSimulation"/>, and prints one result per policy.
/// </summary>
internal static class PlacementBench
{
    private const string Command = "aigis bench placement";

    public static int Run(PlacementBenchArguments arguments, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var writing = arguments.WriteNodes is not null || arguments.WriteWorkload is not null;
        if (Check(arguments, writing) is { } problem)
        {
            error.WriteLine($"{Command}: {problem}");
            return ExitCodes.BadInput;
        }

        List<NodeLine>? nodeLines = null;
        List<NodeSpec>? nodes;
        if (arguments.Nodes == ClusterPresets.GpuCluster)
        {
            nodeLines = ClusterPresets.Nodes(arguments.PresetNodes, arguments.Seed);
            nodes = [.. nodeLines.Select(n => new NodeSpec(n.Name!, n.CpuMilli, n.MemoryMib, n.Gpus, n.GpuModel))];
        }
        else
        {
            (nodes, var nodesError) = PlacementFiles.ReadNodes(arguments.Nodes);
            if (nodesError is not null)
            {
                error.WriteLine($"{Command}: {nodesError}");
                return ExitCodes.BadInput;
            }

            nodeLines = [.. nodes!.Select(n => new NodeLine(n.Name, n.CpuMilli, n.MemoryMib, n.Gpus, n.GpuModel))];
        }

        List<ReplicaLine>? replicas;
        if (arguments.Workload == ClusterPresets.GpuMix)
        {
            replicas = ClusterPresets.Workload(nodeLines, arguments.Seed);
        }
        else
        {
            (replicas, var workloadError) = PlacementFiles.ReadWorkload(arguments.Workload);
            if (workloadError is not null)
            {
                error.WriteLine($"{Command}: {workloadError}");
                return ExitCodes.BadInput;
            }
        }

        if (writing)
        {
            return Write(arguments, nodeLines, replicas!, output, error);
        }

        if (arguments.RemoveNodes >= nodes!.Count)
        {
            error.WriteLine($"{Command}: --remove-nodes must be below the number of nodes ({nodes.Count})");
            return ExitCodes.BadInput;
        }

        var info = arguments.Json ? error : output;
        var removed = ChooseRemoved(nodes.Count, arguments.RemoveNodes, arguments.Seed);
        info.WriteLine(Describe(arguments, nodes, replicas!, removed));
        var simulation = new PlacementSimulation(nodes, replicas!, removed, TimeProvider.System);

        // One policy after another, not side by side: decide_us_p99 is a wall-clock figure. Each policy runs twice and
        // the second run is reported: the first pays for JIT compilation, which a long-running scheduler pays once.
        // Runs are deterministic, so only the timing differs between the two.
        var runs = arguments.Policies.Select(name =>
        {
            simulation.Run(PlacementPolicyNames.Create(name)!);
            return simulation.Run(PlacementPolicyNames.Create(name)!);
        }).ToList();
        if (arguments.Json)
        {
            foreach (var run in runs)
            {
                output.WriteLine(JsonSerializer.Serialize(run.ToLine(), PlacementJsonContext.Default.PlacementResultLine));
            }
        }
        else
        {
            WriteTable(output, runs);
            info.WriteLine();
        }

        foreach (var run in runs)
        {
            var reasons = string.Join(", ", run.FailuresByReason.OrderByDescending(r => r.Value).Select(r => Invariant($"{PlacementFailure.Describe(r.Key)} {r.Value}")));
            var moves = removed.Length == 0 ? string.Empty
                : Invariant($"; moved {run.Moved} (ideal {run.IdealMoved:F1}, {(run.IdealMoved > 0 ? run.Moved / run.IdealMoved : 0):F2}x), lost {run.Lost}");
            error.WriteLine(Invariant($"{run.Policy}: decide p50 {run.DecideUsP50:F1} us; ") + $"failures by main reason: {(reasons.Length == 0 ? "none" : reasons)}{moves}");
        }

        return ExitCodes.Success;
    }

    private static string? Check(PlacementBenchArguments arguments, bool writing)
    {
        if (!writing && arguments.Policies.Count == 0)
        {
            return $"--policies is required: a comma-separated list of {string.Join(", ", PlacementPolicyNames.All)}";
        }

        foreach (var policy in arguments.Policies)
        {
            if (!PlacementPolicyNames.All.Contains(policy, StringComparer.Ordinal))
            {
                return $"unknown policy '{policy}'; known: {string.Join(", ", PlacementPolicyNames.All)}";
            }
        }

        if (arguments.Nodes != ClusterPresets.GpuCluster && !File.Exists(arguments.Nodes))
        {
            return $"--nodes: '{arguments.Nodes}' is neither the preset {ClusterPresets.GpuCluster} nor a file";
        }

        if (arguments.Workload != ClusterPresets.GpuMix && !File.Exists(arguments.Workload))
        {
            return $"--workload: '{arguments.Workload}' is neither the preset {ClusterPresets.GpuMix} nor a file";
        }

        return arguments.RemoveNodes < 0 ? "--remove-nodes must be 0 or more"
            : arguments.PresetNodes is < 1 or > 100_000 ? "--preset-nodes must be between 1 and 100000"
            : null;
    }

    /// <summary>K distinct node indexes from the seed: the same nodes fail for every policy.</summary>
    private static int[] ChooseRemoved(int nodes, int count, int seed)
    {
        var indexes = Enumerable.Range(0, nodes).ToArray();
        new Random(seed).Shuffle(indexes);
        return [.. indexes.Take(count).Order()];
    }

    private static string Describe(PlacementBenchArguments arguments, List<NodeSpec> nodes, List<ReplicaLine> replicas, int[] removed)
    {
        var gpus = nodes.Sum(n => n.Gpus);
        var shares = replicas.Count(r => r.Gpus == 1 && r.GpuMilli is > 0 and < 1000);
        var whole = replicas.Count(r => r.Gpus > 0) - shares;
        var asked = replicas.Sum(r => r.Gpus * (r.GpuMilli is > 0 and < 1000 ? r.GpuMilli : 1000)) / 1000.0;
        return Invariant(
            $"cluster: {nodes.Count} nodes, {gpus} GPUs ({arguments.Nodes}, seed {arguments.Seed}); workload: {replicas.Count} replicas ({whole} whole-GPU, {shares} GPU shares, {replicas.Count - whole - shares} without GPU) asking {asked:F1} GPUs over {replicas[^1].AtS:F0} s; {removed.Length} nodes fail at mid-run");
    }

    private static void WriteTable(TextWriter output, List<PlacementRun> runs)
    {
        string[] header = ["policy", "requested", "placed", "failed", "gpu_alloc_ratio", "frag_gpus", "moved", "decide_us_p99"];
        var rows = runs.Select(r => r.ToLine()).Select(l => new[]
        {
            l.Policy, Invariant($"{l.Requested}"), Invariant($"{l.Placed}"), Invariant($"{l.Failed}"), Invariant($"{l.GpuAllocRatio:F4}"),
            Invariant($"{l.FragGpus:F1}"), Invariant($"{l.Moved}"), Invariant($"{l.DecideUsP99:F1}"),
        }).ToList();
        ResultTable.WriteAligned(output, header, rows);
    }

    private static int Write(PlacementBenchArguments arguments, List<NodeLine> nodes, List<ReplicaLine> replicas, TextWriter output, TextWriter error)
    {
        try
        {
            if (arguments.WriteNodes is { } nodesPath)
            {
                PlacementFiles.Write(nodesPath, nodes, PlacementJsonContext.Default.NodeLine);
                output.WriteLine($"wrote {nodes.Count} nodes to {nodesPath}");
            }

            if (arguments.WriteWorkload is { } workloadPath)
            {
                PlacementFiles.Write(workloadPath, replicas, PlacementJsonContext.Default.ReplicaLine);
                output.WriteLine($"wrote {replicas.Count} replicas to {workloadPath}");
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Outside the program: an unwritable path is reported in one line.
            error.WriteLine($"{Command}: cannot write: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Text.Json;
using Aigis.Bench.Placement;
using Aigis.Core.Placement;

namespace Aigis.Tests.Bench.Placement;

/// <summary><c>aigis bench placement</c> on a preset cluster small enough for a test.</summary>
public sealed class PlacementBenchTests
{
    private static readonly string[] s_fields = ["policy", "requested", "placed", "failed", "gpu_alloc_ratio", "frag_gpus", "moved", "decide_us_p99"];

    [Fact]
    public void Json_prints_the_contract_fields_for_every_policy()
    {
        var (code, stdout, stderr) = Run(Preset(PlacementPolicyNames.All, removeNodes: 3));

        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(PlacementPolicyNames.All.Count, lines.Length);
        foreach (var (line, policy) in lines.Zip(PlacementPolicyNames.All))
        {
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            Assert.Equal(s_fields, root.EnumerateObject().Select(p => p.Name));
            Assert.Equal(policy, root.GetProperty("policy").GetString());
            Assert.Equal(root.GetProperty("requested").GetInt32(), root.GetProperty("placed").GetInt32() + root.GetProperty("failed").GetInt32());
            Assert.InRange(root.GetProperty("gpu_alloc_ratio").GetDouble(), 0, 1);
        }

        Assert.Contains("3 nodes fail at mid-run", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_seed_gives_the_same_placements()
    {
        var first = Run(Preset([PlacementPolicyNames.FragmentationAware, PlacementPolicyNames.ConsistentHash], removeNodes: 2));
        var second = Run(Preset([PlacementPolicyNames.FragmentationAware, PlacementPolicyNames.ConsistentHash], removeNodes: 2));
        Assert.Equal(WithoutTiming(first.Stdout), WithoutTiming(second.Stdout));
    }

    [Fact]
    public void Written_files_run_with_the_same_numbers_as_the_presets()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-placement-").FullName;
        var nodes = Path.Combine(directory, "nodes.jsonl");
        var workload = Path.Combine(directory, "workload.jsonl");
        var written = Run(Preset([], removeNodes: 0) with { WriteNodes = nodes, WriteWorkload = workload });
        Assert.True(written.Code == 0, written.Stderr);

        var fromPresets = Run(Preset([PlacementPolicyNames.BinPack], removeNodes: 2));
        var fromFiles = Run(Preset([PlacementPolicyNames.BinPack], removeNodes: 2) with { Nodes = nodes, Workload = workload });
        Assert.True(fromFiles.Code == 0, fromFiles.Stderr);
        Assert.Equal(WithoutTiming(fromPresets.Stdout), WithoutTiming(fromFiles.Stdout));
    }

    [Fact]
    public void A_bad_workload_line_is_named_by_file_and_line()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-placement-").FullName;
        var nodes = Path.Combine(directory, "nodes.jsonl");
        var workload = Path.Combine(directory, "workload.jsonl");
        File.WriteAllText(nodes, """{"name":"n0","cpu_milli":8000,"memory_mib":16384,"gpus":2,"gpu_model":"T4"}""" + "\n");
        File.WriteAllText(workload, """
            {"at_s":0,"name":"a","service":"s","cpu_milli":100,"memory_mib":100,"gpus":0,"gpu_milli":0,"gpu_models":[],"until_s":null}
            {"at_s":1,"name":"b","service":"s","cpu_milli":100,"memory_mib":100,"gpus":2,"gpu_milli":500,"gpu_models":[],"until_s":null}
            """);

        var (code, _, stderr) = Run(new PlacementBenchArguments { Nodes = nodes, Workload = workload, Policies = [PlacementPolicyNames.BinPack] });

        Assert.Equal(2, code);
        Assert.Equal($"aigis bench placement: {workload}:2: a GPU share (gpu_milli below 1000) needs gpus: 1", stderr.Trim());
    }

    [Fact]
    public void An_unknown_policy_is_refused()
    {
        var (code, _, stderr) = Run(Preset(["worst-fit"], removeNodes: 0));
        Assert.Equal(2, code);
        Assert.StartsWith("aigis bench placement: unknown policy 'worst-fit'", stderr, StringComparison.Ordinal);
    }

    private static PlacementBenchArguments Preset(IReadOnlyList<string> policies, int removeNodes) => new()
    {
        Nodes = ClusterPresets.GpuCluster,
        Workload = ClusterPresets.GpuMix,
        PresetNodes = 40,
        Policies = policies,
        RemoveNodes = removeNodes,
        Seed = 3,
        Json = true,
    };

    private static (int Code, string Stdout, string Stderr) Run(PlacementBenchArguments arguments)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = PlacementBench.Run(arguments, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Decision times are wall-clock; every other field must replay exactly.</summary>
    private static string[] WithoutTiming(string stdout) =>
        [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            using var json = JsonDocument.Parse(line);
            return string.Join(',', json.RootElement.EnumerateObject().Where(p => p.Name != "decide_us_p99").Select(p => p.Value.GetRawText()));
        })];
}

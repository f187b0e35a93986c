using System.Text.Json;
using Aigis.Core.Balancing;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Cli;

/// <summary><c>aigis bench routing</c> through the real executable, on workloads small enough for a test.</summary>
public sealed class BenchRoutingCommandTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);
    private static readonly string s_allPolicies = string.Join(',', LoadBalancingPolicyNames.All);
    private static readonly string[] s_columns = ["policy", "requests", "ttft_p50_ms", "ttft_p90_ms", "ttft_p99_ms", "e2e_p50_ms", "e2e_p99_ms", "tokens_per_s", "prefix_hit_rate"];

    [Fact]
    public async Task Prints_every_column_for_every_policy()
    {
        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout,
            "bench", "routing", "--workload", "chat-shared-prefix", "--requests", "300", "--replicas", "4", "--load", "0.8", "--policies", s_allPolicies);

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("capacity: one replica completes ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("arrivals: rescaled to a mean of ", StringComparison.Ordinal));
        var header = Array.FindIndex(lines, l => l.StartsWith("policy ", StringComparison.Ordinal));
        Assert.Equal(s_columns, lines[header].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var rows = lines[(header + 1)..].Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(LoadBalancingPolicyNames.All, rows.Select(r => r[0]));
        Assert.All(rows, r =>
        {
            Assert.Equal(s_columns.Length, r.Length);
            Assert.Equal("300", r[1]);
            Assert.All(r[2..], cell => Assert.True(double.Parse(cell, System.Globalization.CultureInfo.InvariantCulture) >= 0, cell));
        });
    }

    [Fact]
    public async Task Json_prints_one_object_per_policy_with_the_contract_fields_only()
    {
        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout,
            "bench", "routing", "--workload", "uniform", "--requests", "200", "--replicas", "2", "--policies", "round-robin,prefix-aware", "--json");

        Assert.True(exitCode == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        foreach (var (line, policy) in lines.Zip(["round-robin", "prefix-aware"]))
        {
            using var json = JsonDocument.Parse(line);
            Assert.Equal(s_columns, json.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(policy, json.RootElement.GetProperty("policy").GetString());
            Assert.Equal(200, json.RootElement.GetProperty("requests").GetInt32());
        }

        Assert.Contains("arrivals: mean", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_written_workload_runs_as_a_file_with_the_same_numbers()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aigis-bench-").FullName, "chat.jsonl");

        var written = await AigisProcess.RunAsync(s_timeout, "bench", "routing", "--workload", "chat-shared-prefix", "--requests", "200", "--seed", "9", "--write-workload", path);
        var fromPreset = await AigisProcess.RunAsync(s_timeout, "bench", "routing", "--workload", "chat-shared-prefix", "--requests", "200", "--seed", "9", "--replicas", "2", "--policies", "prefix-aware", "--json");
        var fromFile = await AigisProcess.RunAsync(s_timeout, "bench", "routing", "--workload", path, "--seed", "9", "--replicas", "2", "--policies", "prefix-aware", "--json");

        Assert.Equal(0, written.ExitCode);
        Assert.Equal($"wrote 200 requests to {path}\n", written.Stdout);
        Assert.Equal(200, File.ReadAllLines(path).Length);
        Assert.Equal(0, fromFile.ExitCode);
        Assert.Equal(fromPreset.Stdout, fromFile.Stdout);
    }

    [Fact]
    public async Task A_bad_workload_line_exits_2_naming_the_line()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("aigis-bench-").FullName, "bad.jsonl");
        File.WriteAllLines(path,
        [
            """{"at_ms": 0, "session": "a", "prompt": [{"id": "x", "tokens": 10}], "max_tokens": 5}""",
            """{"at_ms": 1, "session": "a", "prompt": [{"id": "x", "tokens": "ten"}], "max_tokens": 5}""",
        ]);

        var (exitCode, stdout, stderr) = await AigisProcess.RunAsync(s_timeout, "bench", "routing", "--workload", path, "--replicas", "2", "--policies", "random");

        Assert.Equal(2, exitCode);
        Assert.Equal($"aigis bench routing: {path}:2: prompt[0] must be {{\"id\": non-empty string, \"tokens\": whole number 1 or more}}\n", stderr);
        Assert.Empty(stdout);
    }

    [Theory]
    [InlineData("--help", "bench")]
    [InlineData("bench --help", "routing")]
    [InlineData("bench routing --help", "--scrape-interval")]
    public async Task Bench_has_help(string args, string expected)
    {
        var (exitCode, stdout, _) = await AigisProcess.RunAsync(s_timeout, args.Split(' '));

        Assert.Equal(0, exitCode);
        Assert.Contains(expected, stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--workload uniform --replicas 2 --policies fastest", "unknown policy 'fastest'")]
    [InlineData("--workload uniform --policies random", "--replicas is required")]
    [InlineData("--workload uniform --replicas 2", "--policies is required")]
    [InlineData("--workload no-such-preset --replicas 2 --policies random", "'no-such-preset' is neither a preset")]
    [InlineData("--workload uniform --replicas 2 --policies random --scrape-interval 5", "--scrape-interval: '5' has no unit")]
    [InlineData("--workload uniform --replicas 2 --policies random --load 0", "--load must be")]
    public async Task Bad_usage_exits_2_with_one_line(string args, string expected)
    {
        var (exitCode, _, stderr) = await AigisProcess.RunAsync(s_timeout, ["bench", "routing", .. args.Split(' ')]);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}

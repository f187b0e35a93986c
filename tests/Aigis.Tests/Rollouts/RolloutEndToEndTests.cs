using System.Net;
using System.Text.Json;
using Aigis.Cli;
using Aigis.Deployers;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Aigis.Tests.Rollouts;

/// <summary>
/// Rollouts end to end: aigis-sim replicas run by the process deployer behind a real gateway, steady traffic through
/// it, and a new version rolled out through the admin API or <c>aigis deploy</c>. Each test counts the requests its
/// clients saw fail during the rollout. Windows are short (seconds) so the tests end in reasonable time.
/// </summary>
public sealed class RolloutEndToEndTests(ITestOutputHelper log)
{
    private static readonly TimeSpan s_rolloutTimeout = TimeSpan.FromSeconds(150);

    private static readonly ProcessDeployerOptions s_fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromSeconds(1),
        StopGracePeriod = TimeSpan.FromSeconds(5),
        HealthPollInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task A_good_version_rolls_out_under_steady_load_with_no_failed_request_and_a_reload_keeps_it()
    {
        // Same behaviour, new seeds: a real change of version that should pass. The latency floor is generous: two
        // identical replicas on a loaded machine differ by scheduling noise, which must not read as a regression.
        await using var gateway = await StartAsync(Chat(rollout: "{analysisWindow: 3s, windows: 2, canaryShare: 0.1, minRequests: 5, warmupRequests: 12, minLatencyDifference: 200ms}"));
        var before = gateway.Replicas;
        await using var load = SteadyLoad.Start(gateway.Public, perSecond: 40);

        var (exit, stdout, stderr) = await DeployAsync(gateway, "chat", "--args", "--port {port} --profile llm --model sim-llama-3-8b --seed '1{replica}' --time-scale 100");
        await load.StopAsync();

        log.WriteLine($"{load.Failures.Count} of {load.Sent} requests failed during the rollout\n{stdout}");
        Assert.True(exit == ExitCodes.Success, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Empty(load.Failures);
        Assert.True(load.Sent > 100, $"only {load.Sent} requests were sent");
        Assert.Contains("replica 1/2", stdout, StringComparison.Ordinal);
        Assert.Contains("rollout 1 succeeded: chat runs revision 2 on all 2 replicas", stdout, StringComparison.Ordinal);
        Assert.Equal(["chat-0-r2", "chat-1-r2"], gateway.Replicas.Select(r => r.Name));
        Assert.All(before, r => Assert.False(OsProcess.IsAlive(r.ProcessId!.Value)));

        var rollout = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/rollouts"));
        var listed = Assert.Single(rollout.GetProperty("data").EnumerateArray());
        Assert.Equal("succeeded", listed.GetProperty("status").GetString());
        Assert.True(listed.GetProperty("in_force").GetBoolean());
        Assert.Equal(["--port", "{port}", "--profile", "llm", "--model", "sim-llama-3-8b", "--seed", "1{replica}", "--time-scale", "100"],
            listed.GetProperty("change").GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Contains(listed.GetProperty("steps").EnumerateArray(), s => s.GetProperty("message").GetString()!.StartsWith("window 2 passed", StringComparison.Ordinal));

        // A reload that leaves the process section alone (here: a new balancer) must not undo the rollout.
        var reloaded = await gateway.RewriteConfigAsync(Chat(rollout: "{analysisWindow: 2s}", balancer: "random"));
        Assert.True(reloaded.Applied, reloaded.ToString());
        // Reconciles run one at a time towards the latest config: once this one returns, the reload's has been applied.
        await gateway.Host.Deployer.ReconcileAsync(gateway.Host.Rollouts.Effective(gateway.Host.State.Config), CancellationToken.None);
        Assert.Equal(["chat-0-r2", "chat-1-r2"], gateway.Replicas.Select(r => r.Name));
        Assert.All(gateway.Replicas, r => Assert.Equal(ReplicaState.Healthy, r.State));

        await gateway.Host.Audit.FlushAsync(CancellationToken.None);
        var audit = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?action=rollout.*"));
        var entries = audit.GetProperty("data").EnumerateArray().ToArray();
        var started = Assert.Single(entries, e => e.GetProperty("action").GetString() == "rollout.started");
        Assert.Equal("chat", started.GetProperty("subject").GetString());
        Assert.NotEqual("anonymous", started.GetProperty("actor").GetString());
        Assert.Single(entries, e => e.GetProperty("action").GetString() == "rollout.ended" && e.GetProperty("outcome").GetString() == "succeeded");
    }

    [Fact]
    public async Task A_version_failing_a_fifth_of_its_requests_is_rolled_back_with_at_most_one_percent_of_requests_failed()
    {
        await using var gateway = await StartAsync(Chat(rollout: "{analysisWindow: 4s, windows: 2, canaryShare: 0.05, minRequests: 5}"));
        var before = gateway.Replicas;
        await using var load = SteadyLoad.Start(gateway.Public, perSecond: 40);

        var rollout = await RollOutAsync(gateway, SimArgs("--fault-error-rate", "0.2"));
        await load.StopAsync();

        log.WriteLine(rollout.GetProperty("reason").GetString());
        Assert.Equal("rolled_back", rollout.GetProperty("status").GetString());
        Assert.Contains("window 1: error ratio", rollout.GetProperty("reason").GetString(), StringComparison.Ordinal);
        AssertFailedAtMostOnePercent(load);
        AssertPreviousVersionRuns(gateway, before);
    }

    [Fact]
    public async Task A_version_half_again_as_slow_to_first_token_is_rolled_back()
    {
        // Streams, so the comparison is on time to first token; the old version answers after 200 ms, the new after 300.
        await using var gateway = await StartAsync(Chat(rollout: "{analysisWindow: 3s, windows: 2, canaryShare: 0.2, minRequests: 5, minLatencyDifference: 50ms}", faults: "--fault-latency-ms, \"200\", "));
        var before = gateway.Replicas;
        await using var load = SteadyLoad.Start(gateway.Public, perSecond: 30, stream: true);

        var rollout = await RollOutAsync(gateway, SimArgs("--fault-latency-ms", "300"));
        await load.StopAsync();

        log.WriteLine(rollout.GetProperty("reason").GetString());
        Assert.Equal("rolled_back", rollout.GetProperty("status").GetString());
        Assert.Contains("time to first token p95", rollout.GetProperty("reason").GetString(), StringComparison.Ordinal);
        AssertFailedAtMostOnePercent(load);
        AssertPreviousVersionRuns(gateway, before);
    }

    [Fact]
    public async Task A_version_that_crashes_on_start_is_rolled_back_by_aigis_deploy_with_exit_3_and_no_failed_request()
    {
        await using var gateway = await StartAsync(Chat(rollout: "{analysisWindow: 2s}"));
        var before = gateway.Replicas;
        await using var load = SteadyLoad.Start(gateway.Public, perSecond: 40);

        // An unknown flag: aigis-sim exits with code 2 at once, before it ever answers its health check.
        var (exit, stdout, stderr) = await DeployAsync(gateway, "chat", "--args", "--port {port} --no-such-flag");
        await load.StopAsync();

        log.WriteLine($"{load.Failures.Count} of {load.Sent} requests failed during the rollout\n{stdout}{stderr}");
        Assert.True(exit == ExitCodes.RolledBack, $"exit {exit}\n{stdout}\n{stderr}");
        Assert.Contains("rollout 1 of chat was rolled back: new replica 1 did not start: exited with code 2 before it was healthy; no request was sent to it", stderr, StringComparison.Ordinal);
        Assert.Empty(load.Failures);
        AssertPreviousVersionRuns(gateway, before);
        Assert.DoesNotContain(gateway.Host.State.Routes.ByName["chat"].Instances, i => i.Id.EndsWith("-r2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Aigis_deploy_refuses_bad_input_with_exit_2_and_an_unknown_service_with_exit_1()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var (noChange, _, noChangeError) = await DeployAsync(gateway, "chat");
        var (unclosed, _, unclosedError) = await DeployAsync(gateway, "chat", "--args", "--name 'unclosed");
        var (unknown, _, unknownError) = await DeployAsync(gateway, "nosuch", "--command", "/bin/true");
        var bad = await gateway.AdminApi.PostAsync("/admin/v1/services/nosuch/rollouts", Json.Body("""{"args": ["x"]}"""));

        Assert.Equal(ExitCodes.BadInput, noChange);
        Assert.Contains("say what to deploy", noChangeError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.BadInput, unclosed);
        Assert.Contains("--args: unclosed single quote", unclosedError, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.RuntimeFailure, unknown);
        Assert.Contains("(404)", unknownError, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, bad.StatusCode);
    }

    private void AssertFailedAtMostOnePercent(SteadyLoad load)
    {
        log.WriteLine($"{load.Failures.Count} of {load.Sent} requests failed during the rollout");
        Assert.True(load.Sent > 100, $"only {load.Sent} requests were sent");
        Assert.True(load.Failures.Count * 100 <= load.Sent, $"{load.Failures.Count} of {load.Sent} requests failed: {string.Join("; ", load.Failures.Take(5))}");
    }

    private static void AssertPreviousVersionRuns(GatewayUnderTest gateway, IReadOnlyList<ReplicaStatus> before)
    {
        Assert.Equal(before.Select(r => (r.Name, r.ProcessId)), gateway.Replicas.Select(r => (r.Name, r.ProcessId)));
        Assert.All(gateway.Replicas, r => Assert.Equal(ReplicaState.Healthy, r.State));
    }

    /// <summary>Starts a rollout through the admin API and polls it until it ends.</summary>
    private static async Task<JsonElement> RollOutAsync(GatewayUnderTest gateway, string[] args)
    {
        var body = JsonSerializer.Serialize(new Dictionary<string, string[]> { ["args"] = args });
        var started = await gateway.AdminApi.PostAsync("/admin/v1/services/chat/rollouts", Json.Body(body));
        Assert.True(started.StatusCode == HttpStatusCode.Created, await started.Content.ReadAsStringAsync());
        var location = started.Headers.Location!.OriginalString;
        JsonElement rollout = default;
        await Eventually.TrueAsync(async () =>
        {
            rollout = await Json.ReadAsync(await gateway.AdminApi.GetAsync(location));
            return rollout.GetProperty("status").GetString() != "running";
        }, s_rolloutTimeout, () => rollout.ToString());
        return rollout;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> DeployAsync(GatewayUnderTest gateway, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] all = ["deploy", .. args, "--admin-url", gateway.AdminApi.BaseAddress!.OriginalString, "--admin-key", gateway.AdminKey, "--poll", "200ms", "--timeout", "150s"];
        var exit = await AigisCli.RunAsync(all, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static string[] SimArgs(params string[] faults) =>
        ["--port", "{port}", "--profile", "llm", "--model", "sim-llama-3-8b", "--seed", "{replica}", "--time-scale", "100", .. faults];

    private static Task<GatewayUnderTest> StartAsync(string services) =>
        GatewayUnderTest.StartAsync(services, new AigisHostOptions { ProcessDeployer = s_fast });

    private static string Chat(string rollout, string faults = "", string balancer = "round-robin") => $$"""
          - name: chat
            kind: llm
            models: [sim-llama-3-8b]
            balancer: {{balancer}}
            runtime: process
            process:
              command: aigis-sim
              args: [--port, "{port}", --profile, llm, --model, sim-llama-3-8b, --seed, "{replica}", --time-scale, "100"{{(faults.Length == 0 ? "" : ", " + faults.TrimEnd(' ', ','))}}]
              replicas: 2
            rollout: {{rollout}}
        """;
}

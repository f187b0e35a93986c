using System.Net;
using Aigis.Deployers;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Aigis.Tests.Deployers;

/// <summary>The process runtime end to end: real aigis-sim replicas behind a real gateway.</summary>
public sealed class ProcessDeployerTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    // Short delays so restarts and crash loops happen within a test's time; the arithmetic at the defaults is unit-tested.
    private static readonly ProcessDeployerOptions s_fast = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromSeconds(1),
        StopGracePeriod = TimeSpan.FromSeconds(5),
        HealthPollInterval = TimeSpan.FromMilliseconds(50),
    };

    [Fact]
    public async Task Replicas_come_up_healthy_and_take_traffic_through_the_gateway()
    {
        await using var gateway = await StartAsync(Chat(replicas: 2));

        var replicas = gateway.Replicas;
        var answers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 4; i++)
        {
            var response = await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest());
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            answers.Add(await AnswerAsync(response));
        }

        Assert.Equal(["chat-0", "chat-1"], replicas.Select(r => r.Name));
        Assert.All(replicas, r => Assert.Equal(ReplicaState.Healthy, r.State));
        Assert.All(replicas, r => Assert.True(OsProcess.IsAlive(r.ProcessId!.Value)));
        Assert.Equal(replicas.Select(r => r.Url), gateway.Host.State.Routes.ByName["chat"].Instances.Select(i => i.Url));

        // Each replica runs with its own seed ({replica}), so both answering shows up as two different answers.
        Assert.Equal(2, answers.Count);
    }

    [Fact]
    public async Task A_killed_replica_is_restarted_and_the_service_keeps_serving()
    {
        await using var gateway = await StartAsync(Chat(replicas: 2));
        var victim = gateway.Replicas[0];

        OsProcess.Kill(victim.ProcessId!.Value);

        // Requests keep flowing while the replica is away; the ones in flight on it, or sent to it before its exit
        // was seen, may fail, but the service must recover and serve every request once the replica is back.
        var sent = 0;
        var succeeded = 0;
        using var deadline = new CancellationTokenSource(s_timeout);
        while (!IsBack(gateway.Replicas[0], victim))
        {
            Assert.False(deadline.IsCancellationRequested, $"chat-0 did not come back: {gateway.Replicas[0]}");
            var response = await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest(), deadline.Token);
            sent++;
            succeeded += response.IsSuccessStatusCode ? 1 : 0;
        }

        var after = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            after.Add((await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest())).StatusCode);
        }

        var restarted = gateway.Replicas[0];
        Assert.True(succeeded >= sent - 2, $"{sent - succeeded} of {sent} requests failed while chat-0 was away");
        Assert.All(after, code => Assert.Equal(HttpStatusCode.OK, code));
        Assert.Equal(1, restarted.Restarts);
        Assert.Equal(128 + 9, restarted.LastExitCode);
        Assert.NotEqual(victim.ProcessId, restarted.ProcessId);
        Assert.Contains(restarted.Url, gateway.Host.State.Routes.ByName["chat"].Instances.Select(i => i.Url));
    }

    [Fact]
    public async Task A_command_that_exits_at_once_goes_into_crash_loop_and_says_so()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var gateway = await StartAsync("""
              - name: broken
                runtime: process
                process:
                  command: /bin/sh
                  args: [-c, "echo cannot serve on port $0 >&2; exit 3", "{port}"]
            """, loggerFactory);

        await Eventually.TrueAsync(() => gateway.Replicas[0].State == ReplicaState.CrashLoop, s_timeout, () => gateway.Replicas[0].ToString());

        var replica = gateway.Replicas[0];
        Assert.Equal(4, replica.Restarts);
        Assert.Equal(3, replica.LastExitCode);
        Assert.Contains("exited with code 3", replica.LastFailure, StringComparison.Ordinal);
        Assert.Empty(gateway.Host.State.Routes.ByName["broken"].Instances);
        var crashLoop = Assert.Single(logs.Entries, e => e.EventId.Id == 103);
        Assert.Equal(LogLevel.Error, crashLoop.Level);
        Assert.Contains("broken-0 is in crash loop: 5 failures", crashLoop.Message, StringComparison.Ordinal);
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("[broken-0] cannot serve on port ", StringComparison.Ordinal));
        var response = await gateway.Public.GetAsync("/svc/broken/");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task A_command_that_is_not_installed_is_reported_not_thrown()
    {
        await using var gateway = await StartAsync("""
              - {name: missing, runtime: process, process: {command: aigis-no-such-command, args: ["{port}"]}}
            """);

        await Eventually.TrueAsync(() => gateway.Replicas[0].State == ReplicaState.CrashLoop, s_timeout, () => gateway.Replicas[0].ToString());

        Assert.Equal("command 'aigis-no-such-command' was not found on PATH", gateway.Replicas[0].LastFailure);
    }

    [Fact]
    public async Task A_replica_that_never_answers_its_health_check_is_not_routed_to()
    {
        await using var gateway = await StartAsync("""
              - name: silent
                runtime: process
                process:
                  command: /bin/sh
                  args: [-c, "exec sleep 300", "{port}"]
                  startTimeout: 1s
            """);

        var replica = gateway.Replicas[0];
        Assert.NotEqual(ReplicaState.Healthy, replica.State);
        Assert.Contains("not healthy within 1s", replica.LastFailure, StringComparison.Ordinal);
        Assert.Empty(gateway.Host.State.Routes.ByName["silent"].Instances);
    }

    [Fact]
    public async Task Reload_that_lowers_the_replica_count_stops_only_the_extra_replicas()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs));
        await using var gateway = await StartAsync(Chat(replicas: 3), loggerFactory);
        var before = gateway.Replicas;

        var outcome = await gateway.RewriteConfigAsync(Chat(replicas: 2));
        await Eventually.TrueAsync(() => gateway.Replicas.Count == 2 && !OsProcess.IsAlive(before[2].ProcessId!.Value), s_timeout, () => string.Join("; ", gateway.Replicas));

        Assert.True(outcome.Applied);

        // Stopped by its supervisor on the closed pipe, not by aigis's last-resort kill: no other process holds that pipe open.
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == 112);
        Assert.Equal(before.Take(2).Select(r => r.ProcessId), gateway.Replicas.Select(r => r.ProcessId));
        Assert.Equal(2, gateway.Host.State.Routes.ByName["chat"].Instances.Length);
        Assert.False(await OsProcess.AcceptsConnectionsAsync(before[2].Url!.Port));
        Assert.Equal(HttpStatusCode.OK, (await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest())).StatusCode);
    }

    [Fact]
    public async Task Reload_that_changes_the_arguments_replaces_every_replica()
    {
        await using var gateway = await StartAsync(Chat(replicas: 2));
        var before = gateway.Replicas;
        var oldAnswer = await AnswerAsync(await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest()));

        var outcome = await gateway.RewriteConfigAsync(Chat(replicas: 2, seed: "1{replica}"));
        await Eventually.TrueAsync(
            () => gateway.Replicas is [{ State: ReplicaState.Healthy } a, { State: ReplicaState.Healthy } b] &&
                  a.ProcessId != before[0].ProcessId && b.ProcessId != before[1].ProcessId && !before.Any(r => OsProcess.IsAlive(r.ProcessId!.Value)),
            s_timeout,
            () => string.Join("; ", gateway.Replicas));

        Assert.True(outcome.Applied);
        Assert.Equal(gateway.Replicas.Select(r => r.Url), gateway.Host.State.Routes.ByName["chat"].Instances.Select(i => i.Url));
        var answers = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            answers.Add(await AnswerAsync(await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest())));
        }

        Assert.DoesNotContain(oldAnswer, answers);
    }

    [Fact]
    public async Task Reload_that_leaves_the_process_section_alone_keeps_the_replicas_routed()
    {
        await using var gateway = await StartAsync(Chat(replicas: 2));
        var before = gateway.Replicas;
        var instancesBefore = gateway.Host.State.Routes.ByName["chat"].Instances;

        var outcome = await gateway.RewriteConfigAsync(Chat(replicas: 2, balancer: "random"));

        Assert.True(outcome.Applied);
        Assert.Equal("random", gateway.Host.State.Routes.ByName["chat"].Config.Balancer);
        Assert.Equal(instancesBefore, gateway.Host.State.Routes.ByName["chat"].Instances);
        Assert.Equal(before.Select(r => r.ProcessId), gateway.Replicas.Select(r => r.ProcessId));
        Assert.Equal(HttpStatusCode.OK, (await gateway.Public.PostAsync("/v1/chat/completions", ChatRequest())).StatusCode);
    }

    [Fact]
    public async Task Stopping_the_gateway_leaves_no_replica_running()
    {
        var gateway = await StartAsync(Chat(replicas: 2));
        var replicas = gateway.Replicas;

        await gateway.DisposeAsync();

        Assert.All(replicas, r => Assert.False(OsProcess.IsAlive(r.ProcessId!.Value)));
        foreach (var replica in replicas)
        {
            Assert.False(await OsProcess.AcceptsConnectionsAsync(replica.Url!.Port));
        }
    }

    private static bool IsBack(ReplicaStatus now, ReplicaStatus before) =>
        now.State == ReplicaState.Healthy && now.ProcessId != before.ProcessId;

    private static Task<GatewayUnderTest> StartAsync(string services, ILoggerFactory? loggerFactory = null) =>
        GatewayUnderTest.StartAsync(services, new AigisHostOptions { ProcessDeployer = s_fast, LoggerFactory = loggerFactory });

    private static string Chat(int replicas, string seed = "{replica}", string balancer = "round-robin") => $$"""
          - name: chat
            kind: llm
            models: [sim-llama-3-8b]
            balancer: {{balancer}}
            runtime: process
            process:
              command: aigis-sim
              args: [--port, "{port}", --profile, llm, --model, sim-llama-3-8b, --seed, "{{seed}}", --time-scale, "100"]
              replicas: {{replicas}}
        """;

    private static StringContent ChatRequest() =>
        Json.Body("""{"model":"sim-llama-3-8b","max_tokens":8,"messages":[{"role":"user","content":"Tell me something"}]}""");

    private static async Task<string> AnswerAsync(HttpResponseMessage response) =>
        (await Json.ReadAsync(response)).GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
}

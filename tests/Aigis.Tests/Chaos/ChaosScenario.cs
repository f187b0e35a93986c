using System.Diagnostics;
using System.Globalization;
using System.Net;
using Aigis.Bench.Load;

namespace Aigis.Tests.Chaos;

/// <summary>How long and how hard the chaos scenario runs.</summary>
internal sealed record ChaosSettings
{
    public double Rate { get; init; } = 30;

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan Baseline { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Chaos { get; init; } = TimeSpan.FromSeconds(20);

    public TimeSpan KillInterval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Recovery { get; init; } = TimeSpan.FromSeconds(3);
}

/// <summary>One request while every replica was down.</summary>
internal sealed record DownAnswer(HttpStatusCode Status, string Code, TimeSpan Elapsed);

internal sealed record ChaosReport(
    LoadPhase Baseline,
    LoadPhase Chaos,
    IReadOnlyList<SimReplicaProcess> Killed,
    IReadOnlyCollection<int> FaultedSlots,
    IReadOnlyList<DownAnswer> AllDown,
    TimeSpan RecoveredAfter,
    LoadPhase Recovery)
{
    public string Describe()
    {
        static string Line(string name, LoadPhase r) => string.Create(CultureInfo.InvariantCulture,
            $"{name}: requests={r.Requests} success={r.SuccessRate:P3} p50={r.P50Ms:0.0}ms p99={r.P99Ms:0.0}ms max={r.MaxMs:0.0}ms errors={string.Join(' ', r.ErrorsByKind.Select(p => $"{p.Key}={p.Value}"))}");
        return string.Join('\n',
            Line("baseline", Baseline),
            Line("chaos", Chaos),
            $"killed: {string.Join(", ", Killed.Select(k => $"slot {k.Slot} pid {k.Pid}"))}; faults set on slots {string.Join(',', FaultedSlots)}",
            string.Create(CultureInfo.InvariantCulture, $"all down: {AllDown.Count} answers, statuses {string.Join(',', AllDown.Select(a => (int)a.Status).Distinct())}, slowest {(AllDown.Count == 0 ? 0 : AllDown.Max(a => a.Elapsed.TotalMilliseconds)):0.0}ms"),
            string.Create(CultureInfo.InvariantCulture, $"recovered after {RecoveredAfter.TotalSeconds:0.0}s"),
            Line("recovery", Recovery));
    }
}

/// <summary>
/// Issue 6's chaos test: a fault-free baseline, then constant open-loop load while one replica is killed every
/// <see cref="ChaosSettings.KillInterval"/> (the deployer restarts it), slot 1 answers 10% of requests with 503 and
/// slot 2 adds 2 s of latency (re-applied whenever those slots restart); then every replica is killed at once and
/// the answers timed; then the fleet's own recovery is awaited and loaded again.
/// </summary>
internal static class ChaosScenario
{
    public const int ErrorSlot = 1;
    public const int SlowSlot = 2;

    // Killed in this order, one per interval: the healthy slots first, so a short run keeps both faults in force.
    private static readonly int[] s_killOrder = [0, 3, 1, 2];

    public static async Task<ChaosReport> RunAsync(ChaosFleet fleet, ChaosSettings settings)
    {
        await fleet.LoadAsync(settings.Rate, settings.Warmup);
        var baseline = await fleet.LoadAsync(settings.Rate, settings.Baseline);

        var killed = new List<SimReplicaProcess>();
        var faulted = new HashSet<int>();
        LoadPhase chaos;
        using (var stop = new CancellationTokenSource())
        {
            var faults = KeepFaultsAsync(fleet, faulted, stop.Token);
            var kills = KillOnePerIntervalAsync(fleet, settings.KillInterval, killed, stop.Token);
            try
            {
                chaos = await fleet.LoadAsync(settings.Rate, settings.Chaos);
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(faults, kills);
            }
        }

        foreach (var replica in fleet.Running())
        {
            await fleet.SetFaultsAsync(replica, "{}");
        }

        var allDown = await AllDownAsync(fleet);
        var down = Stopwatch.StartNew();
        await fleet.WaitForAllReplicasAsync(TimeSpan.FromSeconds(60));
        var recoveredAfter = down.Elapsed;
        var recovery = await fleet.LoadAsync(settings.Rate, settings.Recovery);
        return new ChaosReport(baseline, chaos, killed, faulted, allDown, recoveredAfter, recovery);
    }

    /// <summary>Keeps slot 1 erring and slot 2 slow, on whichever process runs them now.</summary>
    private static async Task KeepFaultsAsync(ChaosFleet fleet, HashSet<int> faulted, CancellationToken stop)
    {
        var applied = new Dictionary<int, int>();
        while (!stop.IsCancellationRequested)
        {
            foreach (var replica in fleet.Running())
            {
                var faults = replica.Slot switch
                {
                    // 503: a status that is safe to retry (a 500 is passed on as the answer, by design).
                    ErrorSlot => """{"error_rate":0.1,"error_status":503}""",
                    SlowSlot => """{"latency_ms":2000}""",
                    _ => null,
                };
                if (faults is not null && applied.GetValueOrDefault(replica.Slot) != replica.Pid && await fleet.SetFaultsAsync(replica, faults))
                {
                    applied[replica.Slot] = replica.Pid;
                    faulted.Add(replica.Slot);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    private static async Task KillOnePerIntervalAsync(ChaosFleet fleet, TimeSpan interval, List<SimReplicaProcess> killed, CancellationToken stop)
    {
        // The first kill half an interval in, so a run of N intervals kills N replicas, none at its very end.
        var next = interval / 2;
        var clock = Stopwatch.StartNew();
        for (var kill = 0; kill < 1000 && !stop.IsCancellationRequested; kill++)
        {
            try
            {
                await Task.Delay(next - clock.Elapsed > TimeSpan.Zero ? next - clock.Elapsed : TimeSpan.Zero, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var slot = s_killOrder[kill % s_killOrder.Length];
            if (fleet.Running().FirstOrDefault(r => r.Slot == slot) is { } victim)
            {
                ChaosFleet.Kill(victim);
                killed.Add(victim);
            }

            next += interval;
        }
    }

    /// <summary>
    /// Kills every replica, waits for the gateway to see none (its first 503), then times sequential requests for a
    /// few hundred milliseconds, well inside the deployer's first restart backoff (1 s plus a process start).
    /// </summary>
    private static async Task<IReadOnlyList<DownAnswer>> AllDownAsync(ChaosFleet fleet)
    {
        foreach (var replica in fleet.Running())
        {
            ChaosFleet.Kill(replica);
        }

        var answers = new List<DownAnswer>();
        var watch = Stopwatch.StartNew();
        var measuring = TimeSpan.Zero;
        while (watch.Elapsed < TimeSpan.FromSeconds(5) && answers.Count < 200)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await fleet.Client.PostAsync(fleet.ChatUrl, new ReadOnlyMemoryContent(LoadBench.ChatBody(ChaosFleet.Model, false)) { Headers = { ContentType = new("application/json") } });
            var body = await response.Content.ReadAsStringAsync();
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (measuring == TimeSpan.Zero)
            {
                if (response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    // Still draining the dead instances out of rotation.
                    await Task.Delay(5);
                    continue;
                }

                measuring = watch.Elapsed;
            }

            answers.Add(new DownAnswer(response.StatusCode, ErrorCode(body), elapsed));
            if (watch.Elapsed - measuring > TimeSpan.FromMilliseconds(300))
            {
                break;
            }

            await Task.Delay(10);
        }

        return answers;
    }

    private static string ErrorCode(string body)
    {
        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("error", out var error) ? error.GetProperty("code").GetString() ?? "" : "";
        }
        catch (System.Text.Json.JsonException)
        {
            return "";
        }
    }
}

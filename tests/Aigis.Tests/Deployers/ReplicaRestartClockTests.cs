using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Deployers;

/// <summary>A real replica process, with the restart delays on a fake clock: restarts happen when, and only when, the backoff has passed.</summary>
public sealed class ReplicaRestartClockTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_failed_replica_waits_its_backoff_on_the_injected_clock_and_the_next_wait_is_twice_as_long()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new ProcessDeployerOptions();
        using var client = HealthProbe.CreateClient();
        var environment = new ReplicaEnvironment(options, time, new HealthProbe(client, options.HealthPollInterval, time), NullLogger.Instance);
        var config = new ProcessConfig { Command = "/bin/sh", Args = ["-c", "exit 3", "{port}"] };
        await using var replica = new ProcessReplica("svc", 0, config, environment, onChanged: () => { });

        replica.Start();
        Assert.False(await replica.FirstOutcome.WaitAsync(s_timeout));
        var first = replica.Status;

        // Nothing happens until the fake clock has moved the whole backoff.
        time.Advance(options.InitialBackoff - TimeSpan.FromMilliseconds(1));
        var waiting = replica.Status;
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Eventually.TrueAsync(() => replica.Status is { Restarts: 1, State: ReplicaState.BackingOff }, s_timeout, () => replica.Status.ToString());
        var second = replica.Status;

        Assert.Equal(ReplicaState.BackingOff, first.State);
        Assert.Equal(time.Start + TimeSpan.FromSeconds(1), first.NextStartAt);
        Assert.Equal(first, waiting);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(2), second.NextStartAt);
        Assert.Equal(3, second.LastExitCode);
    }
}

using Aigis.Core.Configuration;
using Aigis.Core.Rollouts;
using Aigis.Deployers;
using Aigis.Rollouts;
using Aigis.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Rollouts;

/// <summary>
/// What survives a reload and a restart: the store keeps rollouts, the last succeeded one is laid over the config file
/// while the file's section stays as it was, and a hand edit of that section supersedes it.
/// </summary>
public sealed class RolloutOverridesTests
{
    private static readonly ServiceConfig s_file = new()
    {
        Name = "chat",
        Runtime = RuntimeKind.Process,
        Process = new ProcessConfig { Command = "aigis-sim", Args = ["--port", "{port}", "--seed", "{replica}"], Replicas = 2 },
    };

    [Fact]
    public async Task The_last_succeeded_rollout_survives_a_restart_and_an_interrupted_one_does_not()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-rollouts-").FullName;
        try
        {
            var path = Path.Combine(directory, "aigis.db");
            var runtime = Runtime();
            var store = new SqliteStore(path);
            await store.MigrateAsync(SqliteMigrations.All, TimeProvider.System, CancellationToken.None);
            var first = await store.InsertRolloutAsync(Record(runtime, revision: 2, RolloutStatus.Succeeded, "1{replica}"), CancellationToken.None);
            await store.InsertRolloutAsync(Record(runtime, revision: 3, RolloutStatus.RolledBack, "2{replica}"), CancellationToken.None);
            var running = await store.InsertRolloutAsync(Record(runtime, revision: 4, RolloutStatus.Running, "3{replica}"), CancellationToken.None);

            // A new store object on the same file, as after a restart.
            var reopened = new SqliteStore(path);
            var inForce = Assert.Single(await reopened.ReadInForceRolloutsAsync(CancellationToken.None));
            var interrupted = Assert.Single(await reopened.ReadRunningRolloutsAsync(CancellationToken.None));

            Assert.Equal(first, inForce.Id);
            Assert.Equal(running, interrupted.Id);
            Assert.Equal(4, await reopened.ReadLastRevisionAsync("chat", CancellationToken.None));
            Assert.Equal(1, await reopened.ReadLastRevisionAsync("embed", CancellationToken.None));
            Assert.Equal(["--port", "{port}", "--seed", "1{replica}"], inForce.Change.Args);
            Assert.Equal("window 1 passed", inForce.Steps[0].Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_reload_that_keeps_the_section_keeps_the_rolled_out_version()
    {
        var runtime = Runtime();
        var overrides = new RolloutOverrides(new Dictionary<RuntimeKind, IRolloutRuntime> { [RuntimeKind.Process] = runtime });
        overrides.Load([Record(runtime, revision: 2, RolloutStatus.Succeeded, "1{replica}")]);

        // Scaled in the file: the count applies, the rolled-out arguments stay.
        var file = Config(s_file with { Process = s_file.Process! with { Replicas = 3 } });
        var effective = overrides.Effective(file).Services[0].Process!;

        Assert.Equal(["--port", "{port}", "--seed", "1{replica}"], effective.Args);
        Assert.Equal(3, effective.Replicas);
        Assert.NotNull(overrides.Of("chat"));
    }

    [Fact]
    public void A_hand_edit_of_the_section_wins_and_supersedes_the_rollout_for_good()
    {
        var runtime = Runtime();
        var overrides = new RolloutOverrides(new Dictionary<RuntimeKind, IRolloutRuntime> { [RuntimeKind.Process] = runtime });
        overrides.Load([Record(runtime, revision: 2, RolloutStatus.Succeeded, "1{replica}")]);
        var superseded = new List<RolloutRecord>();
        overrides.Superseded += superseded.Add;

        var edited = Config(s_file with { Process = s_file.Process! with { Args = ["--port", "{port}", "--seed", "9{replica}"] } });
        var effective = overrides.Effective(edited).Services[0].Process!;
        var back = overrides.Effective(Config(s_file)).Services[0].Process!;

        Assert.Equal(["--port", "{port}", "--seed", "9{replica}"], effective.Args);
        Assert.True(Assert.Single(superseded).Superseded);
        Assert.Null(overrides.Of("chat"));
        Assert.Equal(s_file.Process!.Args, back.Args);
    }

    private static ProcessRolloutRuntime Runtime() =>
        new(new ProcessDeployer(new NoSink(), new ProcessDeployerOptions(), new FakeTimeProvider(), NullLoggerFactory.Instance));

    private static AigisConfig Config(ServiceConfig service) => new() { Services = [service] };

    private static RolloutRecord Record(ProcessRolloutRuntime runtime, int revision, string status, string seed) => new(
        0, "chat", revision, status, RolloutStatus.ParsePhase(status == RolloutStatus.Running ? "analyzing" : status),
        new RolloutChange(null, null, ["--port", "{port}", "--seed", seed]), runtime.Baseline(s_file), "key_1",
        DateTimeOffset.UnixEpoch, null, null, 2, 0, [new RolloutStep(DateTimeOffset.UnixEpoch, RolloutPhase.Analyzing, 0, 1, "window 1 passed")]);

    private sealed class NoSink : IDeployedInstanceSink
    {
        public void SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances)
        {
        }
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using Aigis.Deployers;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aigis.Tests.Deployers;

/// <summary>The supervisor script around every replica, run for real with /bin/sh commands.</summary>
[SupportedOSPlatform("linux")]
public sealed class SupervisorTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Closing_the_lifeline_stops_the_command_and_everything_it_started()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("aigis-supervisor-").FullName, "grandchild");
        await using var replica = Start($"sleep 300 & echo $! > {pidFile}; wait");
        var command = await replica.CommandPid.WaitAsync(s_timeout);
        var grandchild = await ReadPidAsync(pidFile);

        await replica.StopAsync().WaitAsync(s_timeout);

        Assert.NotEqual(0, command);
        await OsProcess.AllGoneAsync([replica.SupervisorPid, command, grandchild], [], s_timeout);
    }

    [Fact]
    public async Task A_command_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        var grace = TimeSpan.FromMilliseconds(500);
        var ready = Path.Combine(Directory.CreateTempSubdirectory("aigis-supervisor-").FullName, "trapped");
        await using var replica = Start($"trap '' TERM; echo $$ > {ready}; while :; do sleep 1; done", grace);
        var command = await replica.CommandPid.WaitAsync(s_timeout);

        // The shell has started before it has run `trap`: stop only once it ignores SIGTERM for sure.
        await ReadPidAsync(ready);

        var stopwatch = Stopwatch.StartNew();
        await replica.StopAsync().WaitAsync(s_timeout);

        Assert.InRange(stopwatch.Elapsed, grace, s_timeout);
        Assert.Equal(128 + 9, await replica.Exited);
        await OsProcess.AllGoneAsync([command], [], s_timeout);
    }

    [Fact]
    public async Task The_supervisor_exits_with_the_command_and_its_status()
    {
        await using var replica = Start("exit 7");

        Assert.Equal(7, await replica.Exited.WaitAsync(s_timeout));
        await OsProcess.AllGoneAsync([replica.SupervisorPid], [], s_timeout);
    }

    [Fact]
    public async Task Sigterm_to_the_supervisor_stops_the_command_group()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("aigis-supervisor-").FullName, "grandchild");
        await using var replica = Start($"sleep 300 & echo $! > {pidFile}; wait");
        var command = await replica.CommandPid.WaitAsync(s_timeout);
        var grandchild = await ReadPidAsync(pidFile);

        using (var kill = Process.Start("kill", ["-TERM", replica.SupervisorPid.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        Assert.Equal(128 + 15, await replica.Exited.WaitAsync(s_timeout));
        await OsProcess.AllGoneAsync([command, grandchild], [], s_timeout);
    }

    [Fact]
    public async Task A_command_dies_with_its_supervisor_when_the_supervisor_is_killed()
    {
        await using var replica = Start("exec sleep 300");
        var command = await replica.CommandPid.WaitAsync(s_timeout);

        OsProcess.Kill(replica.SupervisorPid);
        Assert.Equal(128 + 9, await replica.Exited.WaitAsync(s_timeout));

        // No orphan: the kernel's parent-death signal kills the command with the shell, and should the shell die
        // before setpriv set that signal, aigis closes the pipe of the exited supervisor and its reader stops it.
        await OsProcess.AllGoneAsync([command], [], s_timeout);
    }

    [Fact]
    public async Task A_command_is_stopped_when_its_supervisor_is_killed_before_the_parent_death_signal_is_set()
    {
        // A setpriv that takes its time opens the window a loaded machine opens by chance: the supervisor dies
        // after announcing the command but before the kernel was told to kill it with its parent.
        var shims = Directory.CreateTempSubdirectory("aigis-supervisor-").FullName;
        var slowSetpriv = Path.Combine(shims, "setpriv");
        await File.WriteAllTextAsync(slowSetpriv, "#!/bin/sh\nsleep 1\nexec /usr/bin/setpriv \"$@\"\n");
        File.SetUnixFileMode(slowSetpriv, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var environment = new Dictionary<string, string> { ["PATH"] = shims + ":" + Environment.GetEnvironmentVariable("PATH") };
        var (replica, error) = ReplicaProcess.Start("test-0", new ReplicaLaunch("/bin/sh", ["-c", "exec sleep 300"], environment), TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger.Instance);
        Assert.Null(error);
        await using var _ = replica!;
        var command = await replica!.CommandPid.WaitAsync(s_timeout);

        OsProcess.Kill(replica.SupervisorPid);
        Assert.Equal(128 + 9, await replica.Exited.WaitAsync(s_timeout));

        // Still within the replica's lifetime (it is not disposed): seeing its supervisor exit is enough.
        await OsProcess.AllGoneAsync([command], [], s_timeout);
    }

    [Fact]
    public async Task What_a_command_started_is_stopped_when_the_replica_of_a_killed_supervisor_is_disposed()
    {
        var pidFile = Path.Combine(Directory.CreateTempSubdirectory("aigis-supervisor-").FullName, "grandchild");
        var replica = Start($"sleep 300 & echo $! > {pidFile}; wait");
        await replica.CommandPid.WaitAsync(s_timeout);
        var grandchild = await ReadPidAsync(pidFile);

        OsProcess.Kill(replica.SupervisorPid);
        Assert.Equal(128 + 9, await replica.Exited.WaitAsync(s_timeout));
        await replica.DisposeAsync();

        await OsProcess.AllGoneAsync([grandchild], [], s_timeout);
    }

    [Fact]
    public async Task Arguments_reach_the_command_verbatim_never_through_the_shell()
    {
        var outFile = Path.Combine(Directory.CreateTempSubdirectory("aigis-supervisor-").FullName, "args");
        var launch = new ReplicaLaunch("/bin/sh", ["-c", "printf '%s\\n' \"$@\" > \"$0\"", outFile, "$(id)", "a b", "'q'", ""], new Dictionary<string, string>());
        var (replica, error) = ReplicaProcess.Start("args-0", launch, TimeSpan.FromSeconds(1), TimeProvider.System, NullLogger.Instance);
        Assert.Null(error);
        await using (replica!)
        {
            Assert.Equal(0, await replica!.Exited.WaitAsync(s_timeout));
        }

        Assert.Equal(["$(id)", "a b", "'q'", ""], (await File.ReadAllTextAsync(outFile)).Split('\n')[..^1]);
    }

    private static ReplicaProcess Start(string script, TimeSpan? grace = null)
    {
        var launch = new ReplicaLaunch("/bin/sh", ["-c", script], new Dictionary<string, string>());
        var (replica, error) = ReplicaProcess.Start("test-0", launch, grace ?? TimeSpan.FromSeconds(5), TimeProvider.System, NullLogger.Instance);
        Assert.Null(error);
        return replica!;
    }

    private static async Task<int> ReadPidAsync(string path)
    {
        var pid = 0;
        await Eventually.TrueAsync(
            () => File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out pid),
            s_timeout,
            () => $"{path} was not written");
        return pid;
    }
}

using Aigis.Core.Rollouts;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Rollouts;

public sealed class RolloutMachineTests
{
    private static readonly RolloutOptions s_options = new() { AnalysisWindow = TimeSpan.FromSeconds(30), Windows = 2 };

    [Fact]
    public void Flow_start_judge_promote_each_replica_then_succeed()
    {
        var time = new FakeTimeProvider();
        var machine = new RolloutMachine(2, s_options, time);

        Assert.Equal(RolloutAction.StartReplica, machine.Begin());
        Assert.Equal(RolloutAction.None, machine.OnReplicaStarted(failure: null));
        Assert.Equal(RolloutPhase.Analyzing, machine.Phase);

        Assert.Equal(RolloutAction.Promote, PassWindows(machine, time, 2));
        Assert.Equal(RolloutAction.StartReplica, machine.OnPromoted());
        Assert.Equal(1, machine.Slot);
        Assert.Equal(RolloutPhase.Starting, machine.Phase);

        Assert.Equal(RolloutAction.None, machine.OnReplicaStarted(failure: null));
        Assert.Equal(RolloutAction.Promote, PassWindows(machine, time, 2));
        Assert.Equal(RolloutAction.Complete, machine.OnPromoted());

        Assert.Equal(RolloutPhase.Succeeded, machine.Phase);
        Assert.True(machine.IsFinal);
        Assert.Null(machine.Reason);
        Assert.Equal("every replica runs the new version", machine.Steps[^1].Message);
    }

    [Fact]
    public void A_window_is_due_only_once_its_time_has_passed()
    {
        var time = new FakeTimeProvider();
        var machine = new RolloutMachine(1, s_options, time);
        machine.Begin();
        machine.OnReplicaStarted(failure: null);

        time.Advance(TimeSpan.FromSeconds(29.9));
        Assert.False(machine.IsWindowDue);
        Assert.Equal(TimeSpan.FromSeconds(0.1), machine.UntilWindowEnds);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(machine.IsWindowDue);
    }

    [Fact]
    public void A_failed_window_rolls_back_with_its_reason()
    {
        var time = new FakeTimeProvider();
        var machine = new RolloutMachine(3, s_options, time);
        machine.Begin();
        machine.OnReplicaStarted(failure: null);
        time.Advance(s_options.AnalysisWindow);

        var action = machine.OnWindowEnded(Verdict(WindowOutcome.Failed, "error ratio 20%"));

        Assert.Equal(RolloutAction.RollBack, action);
        Assert.Equal(RolloutPhase.RollingBack, machine.Phase);
        Assert.Equal("new replica 1, window 1: error ratio 20%", machine.Reason);
        machine.OnRolledBack();
        Assert.Equal(RolloutPhase.RolledBack, machine.Phase);
        Assert.True(machine.IsFinal);
    }

    [Fact]
    public void A_replica_that_never_becomes_healthy_rolls_back_before_any_window()
    {
        var machine = new RolloutMachine(2, s_options, new FakeTimeProvider());
        machine.Begin();

        var action = machine.OnReplicaStarted("exited with code 2 before it was healthy");

        Assert.Equal(RolloutAction.RollBack, action);
        Assert.Equal("new replica 1 did not start: exited with code 2 before it was healthy; no request was sent to it", machine.Reason);
        Assert.DoesNotContain(machine.Steps, s => s.Window > 0);
    }

    [Fact]
    public void A_canary_that_stops_serving_rolls_back()
    {
        var machine = new RolloutMachine(1, s_options, new FakeTimeProvider());
        machine.Begin();
        machine.OnReplicaStarted(failure: null);

        Assert.Equal(RolloutAction.RollBack, machine.OnCanaryLost("it is backing-off: exited with code 1"));
        Assert.StartsWith("new replica 1 stopped serving while judged", machine.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Inconclusive_windows_neither_pass_nor_fail_and_the_history_says_so()
    {
        var time = new FakeTimeProvider();
        var machine = new RolloutMachine(1, s_options, time);
        machine.Begin();
        machine.OnReplicaStarted(failure: null);
        time.Advance(s_options.AnalysisWindow);
        Assert.Equal(RolloutAction.None, machine.OnWindowEnded(Verdict(WindowOutcome.Inconclusive, "3 requests")));
        time.Advance(s_options.AnalysisWindow);

        Assert.Equal(RolloutAction.Promote, machine.OnWindowEnded(Verdict(WindowOutcome.Inconclusive, "2 requests")));
        Assert.Contains(machine.Steps, s => s.Message.Contains("promoted on health alone", StringComparison.Ordinal));
    }

    [Fact]
    public void Abort_is_final_and_keeps_the_first_reason()
    {
        var machine = new RolloutMachine(1, s_options, new FakeTimeProvider());
        machine.Begin();
        machine.Abort("aigis is stopping");
        machine.Abort("again");

        Assert.Equal(RolloutPhase.Aborted, machine.Phase);
        Assert.Equal("aigis is stopping", machine.Reason);
        Assert.Throws<InvalidOperationException>(() => machine.OnReplicaStarted(null));
    }

    private static RolloutAction PassWindows(RolloutMachine machine, FakeTimeProvider time, int windows)
    {
        var action = RolloutAction.None;
        for (var i = 0; i < windows; i++)
        {
            Assert.Equal(RolloutAction.None, action);
            time.Advance(s_options.AnalysisWindow);
            Assert.True(machine.IsWindowDue);
            action = machine.OnWindowEnded(Verdict(WindowOutcome.Passed, "fine"));
        }

        return action;
    }

    private static WindowVerdict Verdict(WindowOutcome outcome, string reason) => new(outcome, default, default, reason);
}

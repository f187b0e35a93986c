using Aigis.Sim.Faults;

namespace Aigis.Sim.Tests;

public sealed class FaultDecisionTests
{
    [Fact]
    public void Error_rate_is_near_the_set_rate_over_ten_thousand_requests()
    {
        var faults = new ActiveFaults(new FaultSettings { ErrorRate = 0.2, ErrorStatus = 503 }, new FaultDice(seed: 7));

        var errors = Enumerable.Range(0, 10_000).Select(_ => faults.Decide()).Count(decision => decision.ErrorStatus == 503);

        // Binomial(10 000, 0.2): the standard deviation is 40, so ±200 is five of them.
        Assert.InRange(errors, 1_800, 2_200);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 1_000)]
    public void Error_rate_zero_never_fails_and_one_always_fails(double rate, int expected)
    {
        var faults = new ActiveFaults(new FaultSettings { ErrorRate = rate }, new FaultDice(seed: 1));

        Assert.Equal(expected, Enumerable.Range(0, 1_000).Count(_ => faults.Decide().ErrorStatus != 0));
    }

    [Fact]
    public void Decisions_replay_exactly_for_a_seed_and_differ_for_another()
    {
        var settings = new FaultSettings { ErrorRate = 0.5 };

        var first = Pattern(new ActiveFaults(settings, new FaultDice(seed: 42)));
        var again = Pattern(new ActiveFaults(settings, new FaultDice(seed: 42)));
        var other = Pattern(new ActiveFaults(settings, new FaultDice(seed: 43)));

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Replacing_the_faults_restarts_the_request_count_and_the_draws()
    {
        var state = new FaultState(new FaultSettings { ErrorRate = 0.5 }, seed: 3);
        var first = Pattern(state.Current);

        state.Replace(new FaultSettings { ErrorRate = 0.5 });

        Assert.Equal(first, Pattern(state.Current));
        // 64 requests since the swap, not 128 since the start.
        Assert.Equal(65, state.Current.Decide().RequestNumber);
    }

    [Fact]
    public void Crash_is_decided_for_the_nth_request_and_every_one_after()
    {
        var faults = new ActiveFaults(new FaultSettings { CrashAfter = 3 }, new FaultDice(seed: 0));

        Assert.Equal([false, false, true, true], Enumerable.Range(0, 4).Select(_ => faults.Decide().Crash));
    }

    [Fact]
    public void Each_decision_carries_the_settings_in_force()
    {
        var settings = new FaultSettings { LatencyMs = 250, Hang = true, StreamCutAfter = 4, MalformedStream = true };

        var decision = new ActiveFaults(settings, new FaultDice(seed: 0)).Decide();

        Assert.Equal(new FaultDecision(1, Crash: false, Hang: true, TimeSpan.FromMilliseconds(250), ErrorStatus: 0, StreamCutAfter: 4, MalformedStream: true), decision);
        Assert.True(decision.AltersStream);
    }

    [Fact]
    public void Settings_equal_to_none_need_no_decision()
    {
        Assert.True(new ActiveFaults(new FaultSettings(), new FaultDice(0)).IsNone);
        Assert.False(new ActiveFaults(new FaultSettings { MalformedStream = true }, new FaultDice(0)).IsNone);
    }

    [Fact]
    public void Draws_are_uniform_in_zero_to_one()
    {
        var dice = new FaultDice(seed: 11);

        var draws = Enumerable.Range(1, 10_000).Select(n => dice.Draw(n)).ToList();

        Assert.All(draws, draw => Assert.InRange(draw, 0.0, 0.9999999999));
        Assert.InRange(draws.Average(), 0.49, 0.51);
        Assert.Equal(dice.Draw(17), new FaultDice(seed: 11).Draw(17));
    }

    private static List<bool> Pattern(ActiveFaults faults) =>
        [.. Enumerable.Range(0, 64).Select(_ => faults.Decide().ErrorStatus != 0)];
}

using Aigis.Core.Admission;

namespace Aigis.Core.Tests.Admission;

/// <summary>The Gradient2 algorithm on its own: one call per sample window, no clock needed.</summary>
public sealed class Gradient2LimitTests
{
    private static readonly TimeSpan s_fast = TimeSpan.FromMilliseconds(10);

    [Fact]
    public void Limit_grows_while_latency_stays_at_its_baseline_and_the_instance_is_busy()
    {
        var limit = new Gradient2Limit(new AdmissionOptions { InitialLimit = 10, MaxLimit = 100 });
        var seen = new List<int> { limit.Limit };
        for (var window = 0; window < 40; window++)
        {
            seen.Add(limit.Update(s_fast, maxInFlight: limit.Limit, dropped: false));
        }

        Assert.True(seen[^1] >= 30, $"limit after 40 windows: {seen[^1]}");
        Assert.Equal(seen.Order(), seen);
    }

    [Fact]
    public void Limit_shrinks_when_latency_rises_past_the_tolerance()
    {
        var limit = new Gradient2Limit(new AdmissionOptions { InitialLimit = 40, MaxLimit = 100 });
        for (var window = 0; window < 20; window++)
        {
            limit.Update(s_fast, limit.Limit, false);
        }

        var before = limit.Limit;
        var seen = new List<int>();
        foreach (var ms in new[] { 20, 30, 45, 60, 80, 100, 120, 150 })
        {
            seen.Add(limit.Update(TimeSpan.FromMilliseconds(ms), limit.Limit, false));
        }

        // 20 ms is within the 1.5x tolerance of a 10 ms baseline: no cut yet. Past it, every window cuts.
        Assert.True(seen[1] < before, $"{before} -> {string.Join(',', seen)}");
        Assert.Equal(seen.Skip(1).OrderDescending(), seen.Skip(1));
        Assert.True(seen[^1] <= before * 0.6, $"{before} -> {string.Join(',', seen)}");
    }

    [Fact]
    public void One_slow_window_cuts_the_limit_by_less_than_half()
    {
        var limit = new Gradient2Limit(new AdmissionOptions { InitialLimit = 50, MaxLimit = 100, Smoothing = 1.0 });
        for (var window = 0; window < 10; window++)
        {
            limit.Update(s_fast, limit.Limit, false);
        }

        var before = limit.Limit;
        var after = limit.Update(TimeSpan.FromSeconds(10), limit.Limit, false);

        Assert.True(after >= before / 2, $"{before} -> {after}");
    }

    [Fact]
    public void Limit_holds_while_the_instance_is_far_from_it()
    {
        var limit = new Gradient2Limit(new AdmissionOptions { InitialLimit = 40 });
        for (var window = 0; window < 20; window++)
        {
            Assert.Equal(40, limit.Update(s_fast, maxInFlight: 10, false));
        }
    }

    [Fact]
    public void Limit_stays_within_min_and_max()
    {
        var limit = new Gradient2Limit(new AdmissionOptions { InitialLimit = 8, MinLimit = 6, MaxLimit = 12 });
        for (var window = 0; window < 100; window++)
        {
            limit.Update(s_fast, limit.Limit, false);
        }

        Assert.Equal(12, limit.Limit);
        for (var window = 0; window < 100; window++)
        {
            limit.Update(TimeSpan.FromSeconds(5 + window), limit.Limit, false);
        }

        Assert.Equal(6, limit.Limit);
    }

    [Fact]
    public void Baseline_catches_up_after_an_overload_so_the_limit_recovers()
    {
        var limit = new Gradient2Limit(new AdmissionOptions { InitialLimit = 20, MaxLimit = 100, LongWindow = 100 });
        for (var window = 0; window < 20; window++)
        {
            limit.Update(s_fast, limit.Limit, false);
        }

        for (var window = 0; window < 40; window++)
        {
            limit.Update(TimeSpan.FromMilliseconds(200), limit.Limit, false);
        }

        var overloadedBaseline = limit.LongRtt;
        var low = limit.Limit;
        for (var window = 0; window < 30; window++)
        {
            limit.Update(s_fast, limit.Limit, false);
        }

        Assert.True(limit.LongRtt < overloadedBaseline / 4, $"baseline {limit.LongRtt}");
        Assert.True(limit.Limit > low, $"{low} -> {limit.Limit}");
    }
}

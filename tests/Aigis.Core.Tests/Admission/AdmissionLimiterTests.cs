using Aigis.Core.Admission;
using Aigis.Core.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Admission;

/// <summary>An instance's limiter and queue, with time driven by a <see cref="FakeTimeProvider"/>.</summary>
public sealed class AdmissionLimiterTests
{
    private static readonly TimeSpan s_fast = TimeSpan.FromMilliseconds(10);
    private readonly FakeTimeProvider _time = new();

    private static AdmissionOptions Fixed(int limit, int queueSize = 8, double maxWaitSeconds = 10) => new()
    {
        Enabled = true,
        Algorithm = AdmissionAlgorithm.Fixed,
        InitialLimit = limit,
        Queue = new AdmissionQueueOptions { MaxSize = queueSize, MaxWait = TimeSpan.FromSeconds(maxWaitSeconds) },
    };

    [Fact]
    public async Task A_free_slot_is_taken_synchronously()
    {
        var limiter = new AdmissionLimiter(Fixed(2), _time);

        var first = limiter.AcquireAsync(TenantPriority.Normal);
        var second = limiter.AcquireAsync(TenantPriority.Low);

        Assert.True(first.IsCompletedSuccessfully && (await first).IsAdmitted);
        Assert.True(second.IsCompletedSuccessfully && (await second).IsAdmitted);
        Assert.Equal(2, limiter.InFlight);
    }

    [Fact]
    public async Task Limit_grows_under_steady_low_latency()
    {
        var limiter = new AdmissionLimiter(new AdmissionOptions { Enabled = true, InitialLimit = 10, MaxLimit = 100 }, _time);

        var limits = await RunWindowsAsync(limiter, 30, _ => s_fast);

        Assert.True(limits[^1] >= 25, string.Join(',', limits));
        Assert.Equal(limits.Order(), limits);
    }

    [Fact]
    public async Task Limit_shrinks_under_rising_latency()
    {
        var limiter = new AdmissionLimiter(new AdmissionOptions { Enabled = true, InitialLimit = 40, MaxLimit = 100 }, _time);
        await RunWindowsAsync(limiter, 15, _ => s_fast);
        var before = limiter.Limit;

        var limits = await RunWindowsAsync(limiter, 10, window => TimeSpan.FromMilliseconds(20 * (window + 2)));

        Assert.True(limits[^1] < before * 0.7, $"{before} -> {string.Join(',', limits)}");
    }

    [Fact]
    public async Task A_request_waits_for_a_slot_and_gets_the_one_released()
    {
        var limiter = new AdmissionLimiter(Fixed(1), _time);
        Assert.True((await limiter.AcquireAsync(TenantPriority.Normal)).IsAdmitted);

        var waiting = limiter.AcquireAsync(TenantPriority.Normal).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, limiter.Queued);

        limiter.Release(s_fast, dropped: false);

        Assert.True((await waiting.WaitAsync(TimeSpan.FromSeconds(10))).IsAdmitted);
        Assert.Equal(1, limiter.InFlight);
        Assert.Equal(0, limiter.Queued);
    }

    [Fact]
    public async Task A_full_queue_sheds_arrivals_with_a_retry_after()
    {
        var limiter = new AdmissionLimiter(Fixed(1, queueSize: 2), _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        var queued = new[] { limiter.AcquireAsync(TenantPriority.Normal).AsTask(), limiter.AcquireAsync(TenantPriority.Normal).AsTask() };

        var shed = await limiter.AcquireAsync(TenantPriority.Normal);

        Assert.Equal(ShedReason.QueueFull, shed.Reason);
        Assert.True(shed.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(2, limiter.Queued);
        Assert.All(queued, t => Assert.False(t.IsCompleted));
    }

    [Fact]
    public async Task A_waiter_is_shed_when_the_queue_bound_passes()
    {
        var limiter = new AdmissionLimiter(Fixed(1, maxWaitSeconds: 2), _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        var waiting = limiter.AcquireAsync(TenantPriority.Normal).AsTask();

        _time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.2));

        var result = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ShedReason.QueueTimeout, result.Reason);
        Assert.True(result.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(0, limiter.Queued);
        Assert.Equal(1, limiter.InFlight);
    }

    [Fact]
    public async Task An_arrival_whose_expected_wait_exceeds_the_bound_is_shed_at_once()
    {
        var options = Fixed(1, maxWaitSeconds: 2) with { WindowSamples = 1 };
        var limiter = new AdmissionLimiter(options, _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        _time.Advance(TimeSpan.FromSeconds(1));
        limiter.Release(TimeSpan.FromSeconds(5), dropped: false);
        Assert.Equal(TimeSpan.FromSeconds(5), limiter.RecentRtt);
        await limiter.AcquireAsync(TenantPriority.Normal);

        // One answer takes 5 s and one runs at a time: the next arrival would wait about 5 s, more than 2 s.
        var shed = await limiter.AcquireAsync(TenantPriority.Normal);

        Assert.Equal(ShedReason.WaitTooLong, shed.Reason);
        Assert.Equal(TimeSpan.FromSeconds(5), shed.RetryAfter);
        Assert.Equal(0, limiter.Queued);
    }

    [Fact]
    public async Task Slots_go_to_higher_priorities_first_then_to_the_oldest()
    {
        var limiter = new AdmissionLimiter(Fixed(1), _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        var order = new List<string>();
        var waiters = new (string Name, TenantPriority Priority)[]
        {
            ("low", TenantPriority.Low), ("normal-1", TenantPriority.Normal), ("high", TenantPriority.High), ("normal-2", TenantPriority.Normal),
        }.Select(w => (w.Name, Task: limiter.AcquireAsync(w.Priority).AsTask())).ToArray();

        for (var i = 0; i < waiters.Length; i++)
        {
            limiter.Release(s_fast, false);
            var granted = await Task.WhenAny(waiters.Where(w => !order.Contains(w.Name)).Select(w => w.Task)).WaitAsync(TimeSpan.FromSeconds(10));
            order.Add(waiters.Single(w => w.Task == granted).Name);
        }

        Assert.Equal(["high", "normal-1", "normal-2", "low"], order);
    }

    [Fact]
    public async Task A_higher_priority_arrival_evicts_the_newest_lowest_priority_waiter_from_a_full_queue()
    {
        var limiter = new AdmissionLimiter(Fixed(1, queueSize: 3), _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        var low1 = limiter.AcquireAsync(TenantPriority.Low).AsTask();
        var low2 = limiter.AcquireAsync(TenantPriority.Low).AsTask();
        var normal = limiter.AcquireAsync(TenantPriority.Normal).AsTask();

        var high = limiter.AcquireAsync(TenantPriority.High).AsTask();

        var evicted = await low2.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(ShedReason.Evicted, evicted.Reason);
        Assert.True(evicted.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.False(low1.IsCompleted);
        Assert.Equal((1, 1, 1), (limiter.QueuedWith(TenantPriority.Low), limiter.QueuedWith(TenantPriority.Normal), limiter.QueuedWith(TenantPriority.High)));

        // A low arrival finds nothing below it to evict; a normal one evicts the remaining low.
        Assert.Equal(ShedReason.QueueFull, (await limiter.AcquireAsync(TenantPriority.Low)).Reason);
        var normal2 = limiter.AcquireAsync(TenantPriority.Normal).AsTask();
        Assert.Equal(ShedReason.Evicted, (await low1.WaitAsync(TimeSpan.FromSeconds(10))).Reason);

        // A full queue of equal or higher priorities sheds even a normal arrival.
        Assert.Equal(ShedReason.QueueFull, (await limiter.AcquireAsync(TenantPriority.Normal)).Reason);

        limiter.Release(s_fast, false);
        Assert.True((await high.WaitAsync(TimeSpan.FromSeconds(10))).IsAdmitted);
        Assert.False(normal.IsCompleted || normal2.IsCompleted);
    }

    [Fact]
    public async Task A_caller_that_leaves_the_queue_frees_its_place()
    {
        var limiter = new AdmissionLimiter(Fixed(1), _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        using var cancel = new CancellationTokenSource();
        var waiting = limiter.AcquireAsync(TenantPriority.Normal, cancel.Token).AsTask();

        await cancel.CancelAsync();

        Assert.Equal(ShedReason.Cancelled, (await waiting.WaitAsync(TimeSpan.FromSeconds(10))).Reason);
        Assert.Equal(0, limiter.Queued);
        limiter.Release(s_fast, false);
        Assert.Equal(0, limiter.InFlight);
    }

    [Fact]
    public async Task Shedding_the_queue_answers_every_waiter_at_once()
    {
        var limiter = new AdmissionLimiter(Fixed(1), _time);
        await limiter.AcquireAsync(TenantPriority.Normal);
        var waiting = new[] { TenantPriority.Low, TenantPriority.High, TenantPriority.Normal }.Select(p => limiter.AcquireAsync(p).AsTask()).ToArray();

        limiter.ShedQueued(ShedReason.ShuttingDown);

        var results = await Task.WhenAll(waiting).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(results, r => Assert.Equal(ShedReason.ShuttingDown, r.Reason));
        Assert.Equal((0, 1), (limiter.Queued, limiter.InFlight));
    }

    /// <summary>Each window: fill the limit, let a second pass, release all with the window's latency.</summary>
    private async Task<List<int>> RunWindowsAsync(AdmissionLimiter limiter, int windows, Func<int, TimeSpan> rttOfWindow)
    {
        var limits = new List<int>();
        for (var window = 0; window < windows; window++)
        {
            var held = 0;
            while ((await limiter.AcquireAsync(TenantPriority.Normal)).IsAdmitted && held < 1000)
            {
                held++;
                if (limiter.InFlight == limiter.Limit)
                {
                    break;
                }
            }

            _time.Advance(TimeSpan.FromSeconds(1.01));
            for (var i = 0; i < held; i++)
            {
                limiter.Release(rttOfWindow(window), dropped: false);
            }

            limits.Add(limiter.Limit);
        }

        return limits;
    }
}

using Aigis.Core.Identity;

namespace Aigis.Core.Admission;

/// <summary>
/// One instance's admission: at most <see cref="Limit"/> requests in flight, a bounded priority queue for the
/// rest, and a limit that follows the latency of the answers (<see cref="IConcurrencyLimit"/>).
/// </summary>
/// <remarks>
/// The uncontended path (a free slot and nobody queued) is one compare-and-swap and allocates nothing; the queue,
/// its lock and its waiter objects are used only when the instance is at its limit. A waiter is granted a slot
/// when a request ends (highest priority first, then oldest). A request is shed on arrival when the queue is full
/// of equal or higher priorities, or when the wait it can expect (its place in the queue times the average answer
/// time, divided by the limit: Little's law) is longer than <see cref="AdmissionQueueOptions.MaxWait"/>; a
/// higher-priority arrival at a full queue evicts the newest waiter of the lowest priority below its own. A waiter
/// still queued after <see cref="AdmissionQueueOptions.MaxWait"/> is shed then.
/// </remarks>
public sealed class AdmissionLimiter
{
    private static readonly TimeSpan s_minRetryAfter = TimeSpan.FromSeconds(1);

    private readonly IConcurrencyLimit _algorithm;
    private readonly TimeProvider _time;
    private readonly Lock _queueLock = new();
    private readonly Lock _windowLock = new();
    private readonly LinkedList<Waiter>[] _queues = [new(), new(), new()];
    private int _limit;
    private int _inFlight;
    private int _queued;

    // The current sample window, under _windowLock.
    private long _windowEndsAt;
    private long _windowRttTicks;
    private int _windowSamples;
    private int _windowMaxInFlight;
    private bool _windowDropped;
    private long _lastRttTicks;

    public AdmissionLimiter(AdmissionOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Options = options;
        _time = time;
        _algorithm = options.Algorithm == AdmissionAlgorithm.Fixed ? new FixedLimit(options.InitialLimit) : new Gradient2Limit(options);
        _limit = _algorithm.Limit;
        _windowEndsAt = time.GetTimestamp() + ToTimestamp(options.Window);
    }

    public AdmissionOptions Options { get; }

    public int Limit => Volatile.Read(ref _limit);

    public int InFlight => Volatile.Read(ref _inFlight);

    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Requests of <paramref name="priority"/> waiting now.</summary>
    public int QueuedWith(TenantPriority priority)
    {
        lock (_queueLock)
        {
            return _queues[(int)priority].Count;
        }
    }

    /// <summary>The latest window's average answer time, or zero before the first full window.</summary>
    public TimeSpan RecentRtt => TimeSpan.FromTicks(Volatile.Read(ref _lastRttTicks));

    /// <summary>
    /// Takes a slot, waiting in the queue if the instance is at its limit. Completes synchronously, without
    /// allocating, when a slot is free. Every admitted request must be followed by one <see cref="Release"/>.
    /// </summary>
    public ValueTask<AdmissionResult> AcquireAsync(TenantPriority priority, CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _queued) == 0 && TryTakeSlot())
        {
            return new ValueTask<AdmissionResult>(AdmissionResult.Admitted);
        }

        return AcquireQueuedAsync(priority, cancellationToken);
    }

    /// <summary>
    /// Frees a slot and records how the request went: <paramref name="rtt"/> is its answer time (for an LLM, the time
    /// to the first token); <paramref name="dropped"/> marks a failure, whose time says nothing about load.
    /// </summary>
    public void Release(TimeSpan rtt, bool dropped)
    {
        Interlocked.Decrement(ref _inFlight);
        RecordSample(rtt, dropped);
        if (Volatile.Read(ref _queued) > 0)
        {
            GrantWaiters();
        }
    }

    /// <summary>Sheds every request waiting now with <paramref name="reason"/> (the shutdown drain's cut).</summary>
    public void ShedQueued(ShedReason reason)
    {
        List<Waiter> shed = [];
        lock (_queueLock)
        {
            foreach (var queue in _queues)
            {
                shed.AddRange(queue);
                queue.Clear();
            }

            _queued = 0;
        }

        foreach (var waiter in shed)
        {
            waiter.TrySetResult(AdmissionResult.Shed(reason, s_minRetryAfter));
        }
    }

    private bool TryTakeSlot()
    {
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (current >= Volatile.Read(ref _limit))
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current)
            {
                NoteInFlight(current + 1);
                return true;
            }
        }
    }

    private async ValueTask<AdmissionResult> AcquireQueuedAsync(TenantPriority priority, CancellationToken cancellationToken)
    {
        var queue = Options.Queue;
        Waiter waiter;
        Waiter? evicted = null;
        lock (_queueLock)
        {
            if (_queued == 0 && TryTakeSlot())
            {
                return AdmissionResult.Admitted;
            }

            var expected = ExpectedWait(1 + CountAhead(priority));
            if (expected > queue.MaxWait)
            {
                return AdmissionResult.Shed(ShedReason.WaitTooLong, RetryAfter(expected));
            }

            if (_queued >= queue.MaxSize)
            {
                evicted = EvictBelow(priority);
                if (evicted is null)
                {
                    return AdmissionResult.Shed(ShedReason.QueueFull, RetryAfter(ExpectedWait(_queued + 1)));
                }
            }

            waiter = new Waiter();
            waiter.Node = _queues[(int)priority].AddLast(waiter);
            _queued++;
        }

        if (evicted is not null)
        {
            evicted.TrySetResult(AdmissionResult.Shed(ShedReason.Evicted, RetryAfter(ExpectedWait(Queued))));
        }

        // A slot may have been freed between the first look and the enqueue.
        GrantWaiters();
        try
        {
            return await waiter.Task.WaitAsync(queue.MaxWait, _time, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_queueLock)
            {
                if (waiter.Node?.List is { } list)
                {
                    list.Remove(waiter.Node);
                    _queued--;
                    waiter.TrySetResult(AdmissionResult.Shed(ShedReason.Cancelled, TimeSpan.Zero));
                }
            }

            // Granted (or evicted) just as the wait ended: the grant stands, and the caller releases it.
            var result = waiter.Task.Result;
            if (result.Reason != ShedReason.Cancelled)
            {
                return result;
            }

            if (e is OperationCanceledException)
            {
                return result;
            }

            return AdmissionResult.Shed(ShedReason.QueueTimeout, RetryAfter(ExpectedWait(Queued + 1)));
        }
    }

    /// <summary>Gives free slots to waiters, highest priority first, oldest first within a priority.</summary>
    private void GrantWaiters()
    {
        while (true)
        {
            Waiter? next = null;
            lock (_queueLock)
            {
                if (_queued == 0 || !TryTakeSlot())
                {
                    return;
                }

                for (var p = _queues.Length - 1; p >= 0; p--)
                {
                    if (_queues[p].First is { } first)
                    {
                        next = first.Value;
                        _queues[p].RemoveFirst();
                        _queued--;
                        break;
                    }
                }
            }

            // Outside the lock: the waiter's continuation runs asynchronously anyway.
            next!.TrySetResult(AdmissionResult.Admitted);
        }
    }

    /// <summary>The newest waiter of the lowest priority below <paramref name="priority"/>, removed; null when none.</summary>
    private Waiter? EvictBelow(TenantPriority priority)
    {
        for (var p = 0; p < (int)priority; p++)
        {
            if (_queues[p].Last is { } last)
            {
                _queues[p].RemoveLast();
                _queued--;
                return last.Value;
            }
        }

        return null;
    }

    /// <summary>Waiters that would be served before a new arrival of <paramref name="priority"/>.</summary>
    private int CountAhead(TenantPriority priority)
    {
        var ahead = 0;
        for (var p = (int)priority; p < _queues.Length; p++)
        {
            ahead += _queues[p].Count;
        }

        return ahead;
    }

    /// <summary>Little's law: a slot frees every rtt / limit on average, so position N waits about N x rtt / limit.</summary>
    private TimeSpan ExpectedWait(int position)
    {
        var rtt = Volatile.Read(ref _lastRttTicks);
        return rtt == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(rtt * position / Math.Max(1, Limit));
    }

    private static TimeSpan RetryAfter(TimeSpan expected) =>
        expected <= s_minRetryAfter ? s_minRetryAfter : TimeSpan.FromSeconds(Math.Ceiling(expected.TotalSeconds));

    private void NoteInFlight(int inFlight)
    {
        // Read without the lock: a slightly stale maximum only delays a limit change by a window.
        if (inFlight > Volatile.Read(ref _windowMaxInFlight))
        {
            lock (_windowLock)
            {
                _windowMaxInFlight = Math.Max(_windowMaxInFlight, inFlight);
            }
        }
    }

    private void RecordSample(TimeSpan rtt, bool dropped)
    {
        var now = _time.GetTimestamp();
        var limitChanged = false;
        lock (_windowLock)
        {
            if (dropped)
            {
                _windowDropped = true;
            }
            else
            {
                _windowRttTicks += rtt.Ticks;
                _windowSamples++;
            }

            if (now < _windowEndsAt)
            {
                return;
            }

            var options = Options;
            if (_windowSamples >= options.WindowSamples)
            {
                var average = TimeSpan.FromTicks(_windowRttTicks / _windowSamples);
                Volatile.Write(ref _lastRttTicks, average.Ticks);
                var limit = _algorithm.Update(average, Math.Max(_windowMaxInFlight, InFlight + 1), _windowDropped);
                limitChanged = limit != _limit;
                Volatile.Write(ref _limit, limit);
                _windowRttTicks = 0;
                _windowSamples = 0;
                _windowMaxInFlight = InFlight;
                _windowDropped = false;
            }

            // Too few answers: they carry into the next window, so a quiet instance still gathers enough to judge.
            _windowEndsAt = now + ToTimestamp(options.Window);
        }

        if (limitChanged && Volatile.Read(ref _queued) > 0)
        {
            GrantWaiters();
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);

    private sealed class Waiter() : TaskCompletionSource<AdmissionResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public LinkedListNode<Waiter>? Node { get; set; }
    }
}

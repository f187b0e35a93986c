namespace Aigis.Deployers;

/// <summary>Decides, for one replica, how long to wait before restarting it, and when to stop trying.</summary>
/// <remarks>
/// Two counts: failures in a row since the replica was last healthy set the backoff (1s, 2s, 4s ... capped),
/// so a replica that keeps failing waits longer and longer; failures within a sliding window (5 in 2 minutes by
/// default) mark a crash loop, whatever happened in between, so a replica that flaps between healthy and dead
/// is caught too. Time is read from the injected <see cref="TimeProvider"/>'s monotonic timestamps.
/// </remarks>
internal sealed class RestartPolicy(BackoffPolicy backoff, int crashLoopFailures, TimeSpan crashLoopWindow, TimeProvider timeProvider)
{
    private readonly Queue<long> _recentFailures = new();
    private int _failuresInARow;

    public RestartPolicy(ProcessDeployerOptions options, TimeProvider timeProvider)
        : this(new BackoffPolicy(options.InitialBackoff, options.MaxBackoff), options.CrashLoopFailures, options.CrashLoopWindow, timeProvider)
    {
    }

    /// <summary>The replica passed its health check: the next failure starts the backoff from the beginning.</summary>
    public void RecordHealthy() => _failuresInARow = 0;

    /// <summary>Records a failure now and decides what follows it.</summary>
    public RestartDecision RecordFailure()
    {
        var now = timeProvider.GetTimestamp();
        _recentFailures.Enqueue(now);
        while (timeProvider.GetElapsedTime(_recentFailures.Peek(), now) > crashLoopWindow)
        {
            _recentFailures.Dequeue();
        }

        _failuresInARow++;
        return _recentFailures.Count >= crashLoopFailures
            ? RestartDecision.CrashLoop(_recentFailures.Count)
            : RestartDecision.RestartAfter(backoff.DelayAfter(_failuresInARow), _recentFailures.Count);
    }
}

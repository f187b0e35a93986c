namespace Aigis.Core.Resilience;

/// <summary>
/// Everything that can keep one instance out of rotation: its active health checks, an outlier ejection (passive,
/// from live traffic), and its circuit breaker. Read on every pick through <see cref="IsAvailable"/>, which allocates
/// nothing and takes no lock while the instance is healthy and its breaker closed.
/// </summary>
public sealed class InstanceHealth
{
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private volatile bool _activeHealthy = true;
    private int _probePasses;
    private int _probeFailures;
    private long _ejectedUntil;
    private int _ejections;
    private int _consecutiveFailures;
    private int _consecutiveConnectFailures;
    private int _returnPending;

    public InstanceHealth(TimeProvider time)
    {
        _time = time;
        Breaker = new CircuitBreaker(time);
    }

    public CircuitBreaker Breaker { get; }

    /// <summary>True when the instance may be picked: probes pass, it is not ejected, and its breaker lets requests through.</summary>
    public bool IsAvailable
    {
        get
        {
            if (!_activeHealthy)
            {
                return false;
            }

            var until = Volatile.Read(ref _ejectedUntil);
            return (until == 0 || _time.GetTimestamp() >= until) && Breaker.AllowsRequests;
        }
    }

    /// <summary>False after enough failed probes in a row (or when set so by hand); true again after enough passes.</summary>
    public bool ActiveHealthy
    {
        get => _activeHealthy;
        set => _activeHealthy = value;
    }

    /// <summary>Times ejected, as the multiplier of the next ejection's length sees it (it decays while the instance serves).</summary>
    public int EjectionCount => Volatile.Read(ref _ejections);

    /// <summary>When the current ejection ends (a timestamp), or 0 when the instance is not ejected.</summary>
    public long EjectedUntil
    {
        get
        {
            var until = Volatile.Read(ref _ejectedUntil);
            return until != 0 && _time.GetTimestamp() < until ? until : 0;
        }
    }

    public bool IsEjected => EjectedUntil != 0;

    /// <summary>Counts one active probe; returns the new active state when it changed.</summary>
    public bool? RecordProbe(bool passed, HealthCheckOptions options)
    {
        lock (_lock)
        {
            if (passed)
            {
                _probeFailures = 0;
                _probePasses++;
                if (!_activeHealthy && _probePasses >= options.HealthyThreshold)
                {
                    _activeHealthy = true;
                    return true;
                }
            }
            else
            {
                _probePasses = 0;
                _probeFailures++;
                if (_activeHealthy && _probeFailures >= options.UnhealthyThreshold)
                {
                    _activeHealthy = false;
                    return false;
                }
            }

            return null;
        }
    }

    /// <summary>
    /// Counts a passive outcome toward the consecutive-failure thresholds; true when this one reached a threshold,
    /// so the caller should eject (if the service's cap allows).
    /// </summary>
    internal bool CountOutcome(AttemptResult result, OutlierDetectionOptions options)
    {
        if (result == AttemptResult.Success)
        {
            // Plain reads first: the common success path writes nothing when there is nothing to reset.
            if (Volatile.Read(ref _consecutiveFailures) != 0 || Volatile.Read(ref _consecutiveConnectFailures) != 0)
            {
                lock (_lock)
                {
                    _consecutiveFailures = 0;
                    _consecutiveConnectFailures = 0;
                }
            }

            return false;
        }

        lock (_lock)
        {
            if (IsEjected)
            {
                // Answers from attempts sent before the ejection say nothing new.
                return false;
            }

            _consecutiveFailures++;
            _consecutiveConnectFailures = result == AttemptResult.ConnectFailure ? _consecutiveConnectFailures + 1 : 0;
            return _consecutiveFailures >= options.Consecutive5xx || _consecutiveConnectFailures >= options.ConsecutiveConnectFailures;
        }
    }

    /// <summary>
    /// Ejects the instance for the base time times its ejection count (the count first decays by one for each base
    /// time it has served since its last ejection ended), capped at the maximum. Returns the ejection's length.
    /// </summary>
    internal TimeSpan Eject(OutlierDetectionOptions options)
    {
        var now = _time.GetTimestamp();
        lock (_lock)
        {
            var lastEnd = _ejectedUntil;
            if (lastEnd != 0 && _ejections > 0 && now > lastEnd)
            {
                var served = _time.GetElapsedTime(lastEnd, now);
                var periods = (int)Math.Min(int.MaxValue, served.Ticks / Math.Max(1, options.BaseEjectionTime.Ticks));
                _ejections = Math.Max(0, _ejections - periods);
            }

            _ejections++;
            var length = TimeSpan.FromTicks(Math.Min(options.BaseEjectionTime.Ticks * _ejections, options.MaxEjectionTime.Ticks));
            Volatile.Write(ref _ejectedUntil, now + (long)(length.TotalSeconds * _time.TimestampFrequency));
            Volatile.Write(ref _returnPending, 1);
            _consecutiveFailures = 0;
            _consecutiveConnectFailures = 0;
            return length;
        }
    }

    /// <summary>True once after an ejection has ended, so the return can be logged; ejections end by the clock alone.</summary>
    public bool TryObserveReturn() => !IsEjected && Interlocked.CompareExchange(ref _returnPending, 0, 1) == 1;

    /// <summary>Resets the failure run without ejecting (the service's ejection cap was reached).</summary>
    internal void ResetFailureRun()
    {
        lock (_lock)
        {
            _consecutiveFailures = 0;
            _consecutiveConnectFailures = 0;
        }
    }
}

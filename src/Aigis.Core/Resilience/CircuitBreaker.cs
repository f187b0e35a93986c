namespace Aigis.Core.Resilience;

/// <summary>
/// One instance's circuit breaker: closed, open for a break duration when the failure ratio of a sampling window
/// passes the threshold, then half-open with a single trial request that closes or re-opens it.
/// </summary>
/// <remarks>
/// Why not Polly's breaker: Polly's <c>CircuitBreakerStrategy</c> judges the outcome of the callback it executes, but
/// the outcome of a streamed answer is known only when its last event arrives, long after the forwarder's send
/// returned headers, and after passive outlier detection has read the same outcome. Driving Polly by hand
/// (<c>CircuitBreakerManualControl</c>, a pipeline per instance, a pooled <c>ResilienceContext</c> per attempt)
/// would keep its state machine but add a callback and context per request for a dozen lines of logic. So the
/// breaker is this small class: the window is a pair of counters reset when it ends (Polly's "single window" for
/// short sampling durations), guarded by a lock that is uncontended on the per-instance path and allocates nothing.
/// </remarks>
public sealed class CircuitBreaker(TimeProvider time)
{
    private readonly Lock _lock = new();
    private volatile CircuitState _state = CircuitState.Closed;
    private long _windowStart;
    private int _attempts;
    private int _failures;
    private long _openUntil;
    private bool _trialInFlight;

    /// <summary>The state now; an open breaker whose break has passed reads as half-open.</summary>
    public CircuitState State
    {
        get
        {
            lock (_lock)
            {
                return CurrentState(time.GetTimestamp());
            }
        }
    }

    /// <summary>When an open breaker lets its trial through (a timestamp); 0 when not open.</summary>
    public long OpenUntil
    {
        get
        {
            lock (_lock)
            {
                return _state == CircuitState.Open ? _openUntil : 0;
            }
        }
    }

    /// <summary>
    /// Whether a request may go to the instance now: closed, or half-open with no trial under way. The trial is
    /// claimed when the attempt starts (<see cref="OnAttemptStarted"/>), not when the instance is picked, so requests
    /// picking at the same instant may send a few trials at once; the first outcome decides.
    /// </summary>
    public bool AllowsRequests
    {
        get
        {
            // Read without the lock on the hot path: a closed breaker is the common case and a stale read costs one request.
            if (_state == CircuitState.Closed)
            {
                return true;
            }

            lock (_lock)
            {
                return CurrentState(time.GetTimestamp()) switch
                {
                    CircuitState.Closed => true,
                    CircuitState.HalfOpen => !_trialInFlight,
                    _ => false,
                };
            }
        }
    }

    /// <summary>A request was sent to the instance; when half-open, it is the trial. Returns the state change, if any.</summary>
    public CircuitState? OnAttemptStarted()
    {
        if (_state == CircuitState.Closed)
        {
            return null;
        }

        lock (_lock)
        {
            var before = _state;
            if (CurrentState(time.GetTimestamp()) == CircuitState.HalfOpen)
            {
                _state = CircuitState.HalfOpen;
                _trialInFlight = true;
            }

            return before != _state ? _state : null;
        }
    }

    /// <summary>Records an attempt's outcome; returns the new state when it changed.</summary>
    public CircuitState? Record(bool failed, CircuitBreakerOptions options)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            var before = CurrentState(now);
            switch (before)
            {
                case CircuitState.HalfOpen:
                    _trialInFlight = false;
                    if (failed)
                    {
                        Open(now, options);
                    }
                    else
                    {
                        Close(now);
                    }

                    break;
                case CircuitState.Open:
                    // An attempt sent before the breaker opened; its outcome is already accounted for.
                    break;
                default:
                    if (time.GetElapsedTime(_windowStart, now) >= options.SamplingDuration)
                    {
                        _windowStart = now;
                        _attempts = 0;
                        _failures = 0;
                    }

                    _attempts++;
                    if (failed)
                    {
                        _failures++;
                    }

                    if (_attempts >= options.MinimumThroughput && _failures >= options.FailureRatio * _attempts)
                    {
                        Open(now, options);
                    }

                    break;
            }

            var after = _state;
            return after != before ? after : null;
        }
    }

    /// <summary>An attempt ended without telling anything about the instance (the client left): frees the trial slot.</summary>
    public void Release()
    {
        lock (_lock)
        {
            _trialInFlight = false;
        }
    }

    private CircuitState CurrentState(long now) =>
        _state == CircuitState.Open && now >= _openUntil ? CircuitState.HalfOpen : _state;

    private void Open(long now, CircuitBreakerOptions options)
    {
        _state = CircuitState.Open;
        _openUntil = now + (long)(options.BreakDuration.TotalSeconds * time.TimestampFrequency);
        _trialInFlight = false;
    }

    private void Close(long now)
    {
        _state = CircuitState.Closed;
        _windowStart = now;
        _attempts = 0;
        _failures = 0;
    }
}

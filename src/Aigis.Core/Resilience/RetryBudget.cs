namespace Aigis.Core.Resilience;

/// <summary>
/// A service's retry budget: over a sliding window, retries may number at most <see cref="RetryOptions.BudgetPercent"/>
/// percent of requests plus <see cref="RetryOptions.MinRetriesPerSecond"/> per second of the window.
/// </summary>
/// <remarks>
/// The window is a ring of one-second buckets of (requests, retries), each tagged with the second it counts, so a
/// bucket from a previous turn of the ring is recognised as stale and reset. A lock guards the ring: it is taken
/// twice per request at most, uncontended in the common case, and allocates nothing.
/// </remarks>
public sealed class RetryBudget
{
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _lock = new();
    private readonly long[] _second;
    private readonly int[] _requests;
    private readonly int[] _retries;

    public RetryBudget(RetryOptions options, TimeProvider time)
    {
        Options = options;
        _time = time;
        _origin = time.GetTimestamp();
        var buckets = Math.Max(1, (int)Math.Ceiling(options.BudgetWindow.TotalSeconds));
        _second = new long[buckets];
        Array.Fill(_second, -1);
        _requests = new int[buckets];
        _retries = new int[buckets];
    }

    public RetryOptions Options { get; }

    /// <summary>Counts a request (a first attempt) into the window.</summary>
    public void OnRequest()
    {
        lock (_lock)
        {
            _requests[Bucket(CurrentSecond())]++;
        }
    }

    /// <summary>Whether a retry would be allowed now, without taking it.</summary>
    public bool CanRetry()
    {
        lock (_lock)
        {
            return Allows(CurrentSecond());
        }
    }

    /// <summary>Takes one retry from the budget; false when the budget is spent (the failure is then final).</summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var second = CurrentSecond();
            if (!Allows(second))
            {
                return false;
            }

            _retries[Bucket(second)]++;
            return true;
        }
    }

    private bool Allows(long second)
    {
        long requests = 0;
        long retries = 0;
        for (var i = 0; i < _second.Length; i++)
        {
            if (_second[i] > second - _second.Length)
            {
                requests += _requests[i];
                retries += _retries[i];
            }
        }

        var allowed = (Options.MinRetriesPerSecond * (long)_second.Length) + (requests * Options.BudgetPercent / 100);
        return retries < allowed;
    }

    private long CurrentSecond() => _time.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerSecond;

    private int Bucket(long second)
    {
        var index = (int)(second % _second.Length);
        if (_second[index] != second)
        {
            _second[index] = second;
            _requests[index] = 0;
            _retries[index] = 0;
        }

        return index;
    }
}

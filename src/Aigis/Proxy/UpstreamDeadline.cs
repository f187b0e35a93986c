namespace Aigis.Proxy;

/// <summary>
/// The one cancellation a request's upstream exchange waits under: armed for the wait in progress (the answer's
/// first byte, then each read of the body, never past the total deadline), and cancelled early by the shutdown
/// drain's cut or by YARP's own token (the client went away). It says which of them fired.
/// </summary>
/// <remarks>
/// <para>
/// Wave one made a <see cref="CancellationTokenSource"/> with a timer per response, plus a linked source per body
/// registered on the drain's cut; YARP does not dispose a response it copied, so each request left a timer and two
/// sources reachable from the (process-long) cut: about one of each per request served (0.9 GB after 850k requests).
/// </para>
/// <para>
/// Here the source and its timer belong to a pool (<see cref="UpstreamDeadlines"/>): rented when the request goes
/// upstream, returned in the forwarder's <c>finally</c>, so nothing made for a request outlives it whatever path it
/// ends on. Re-arming is <see cref="ITimer.Change"/> on a timer that already exists, so a request whose deadlines
/// never fire allocates nothing for them. A source that did fire cannot be reset; it is dropped and replaced (only
/// timeouts, cuts and aborts pay for that).
/// </para>
/// </remarks>
internal sealed class UpstreamDeadline : IDisposable
{
    private const int Idle = 0, Armed = 1, Expired = 2;

    private readonly UpstreamDeadlines _owner;
    private readonly ITimer _timer;
    private CancellationTokenSource _source = new();
    private int _state;
    private volatile bool _cut;
    private CancellationTokenRegistration _cutRegistration;
    private CancellationTokenRegistration _linked;
    private CancellationToken _linkedTo;

    internal UpstreamDeadline(UpstreamDeadlines owner)
    {
        _owner = owner;
        // The timer is made once, through the injected clock, and only ever re-armed.
        _timer = owner.Time.CreateTimer(static state => ((UpstreamDeadline)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>What every upstream wait of the current attempt is cancelled by.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>True when the armed deadline passed (not the cut, not the client).</summary>
    public bool HasExpired => Volatile.Read(ref _state) == Expired;

    /// <summary>True when the shutdown drain's cut cancelled the exchange.</summary>
    public bool WasCut => _cut;

    /// <summary>Arms the deadline to fire after <paramref name="wait"/>; false (nothing armed) when it is not positive.</summary>
    public bool Arm(TimeSpan wait)
    {
        if (wait <= TimeSpan.Zero)
        {
            return false;
        }

        Interlocked.CompareExchange(ref _state, Armed, Idle);
        _timer.Change(wait, Timeout.InfiniteTimeSpan);
        return true;
    }

    /// <summary>The wait ended in time: nothing fires until the next <see cref="Arm"/>.</summary>
    public void Disarm()
    {
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        Interlocked.CompareExchange(ref _state, Idle, Armed);
    }

    /// <summary>
    /// Makes <paramref name="external"/> (YARP's token: the client left, or its activity backstop) cancel this
    /// exchange too. One registration per distinct token, removed when the deadline goes back to the pool.
    /// </summary>
    public void Link(CancellationToken external)
    {
        if (!external.CanBeCanceled || external == _linkedTo)
        {
            return;
        }

        _linked.Dispose();
        _linkedTo = external;
        _linked = external.UnsafeRegister(static state => ((UpstreamDeadline)state!).CancelSource(), this);
    }

    /// <summary>
    /// Readies the deadline for a new attempt: a source that was cancelled cannot be reused, so it is replaced; the
    /// drain's cut is watched from the first attempt on.
    /// </summary>
    public void Reset()
    {
        Disarm();
        if (_source.IsCancellationRequested)
        {
            _source.Dispose();
            _source = new CancellationTokenSource();
            Volatile.Write(ref _state, Idle);
        }

        if (_cutRegistration == default && _owner.Drain.Cut.CanBeCanceled)
        {
            _cutRegistration = _owner.Drain.Cut.UnsafeRegister(static state => ((UpstreamDeadline)state!).OnCut(), this);
        }
    }

    /// <summary>Back to the pool, or disposed when its source fired; called once, when the request's upstream exchange is over.</summary>
    public void Return()
    {
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _cutRegistration.Dispose();
        _cutRegistration = default;
        _linked.Dispose();
        _linked = default;
        _linkedTo = default;
        if (_cut || !_source.TryReset())
        {
            Dispose();
            return;
        }

        Volatile.Write(ref _state, Idle);
        _owner.Return(this);
    }

    public void Dispose()
    {
        _timer.Dispose();
        _source.Dispose();
    }

    private void OnTimer()
    {
        if (Interlocked.CompareExchange(ref _state, Expired, Armed) == Armed)
        {
            CancelSource();
        }
    }

    private void OnCut()
    {
        _cut = true;
        CancelSource();
    }

    private void CancelSource()
    {
        try
        {
            _source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Raced with Return after the request ended: there is nothing left to cancel.
        }
    }
}

using System.Threading.Channels;

namespace Aigis.Sim.Engine;

/// <summary>
/// Drives an <see cref="EngineCore"/> in real time: one loop runs a step, waits out the step's duration (divided
/// by the time scale) on the injected <see cref="TimeProvider"/>, then hands each request the tokens the step
/// produced. Requests and aborts from any thread are queued and applied between steps.
/// </summary>
/// <remarks>
/// Engine time is real elapsed time multiplied by the time scale. A step starts at the later of "now" and the end
/// of the previous step, so the loop never runs ahead of the clock, and a slow machine falls behind rather than
/// compressing steps. Deadlines are absolute, so timer overshoot does not accumulate.
/// </remarks>
internal sealed class EngineLoop : IAsyncDisposable
{
    /// <summary>How far behind real time the loop may run before it gives up exact chaining, in real ms.</summary>
    private const double CatchUpSlackMs = 2;

    private readonly EngineCore _engine;
    private readonly TimeProvider _timeProvider;
    private readonly double _timeScale;
    private readonly long _origin;
    private readonly Lock _lock = new();
    private readonly Queue<(EngineRequest Request, EngineTicket? Ticket)> _inbox = new();
    private readonly Dictionary<EngineRequest, EngineTicket> _tickets = new(ReferenceEqualityComparer.Instance);
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private long _nextId;
    private long _parks;
    private long _deliveredFinishes;
    private long _pendingSubmissions;
    private long _pendingWakeTicks = -1;
    private EngineSnapshot _snapshot = new(0, 0, 0, 0, 0, 0);

    /// <param name="options">The engine's shape.</param>
    /// <param name="timeProvider">The clock every step waits on.</param>
    /// <param name="timeScale">Engine time runs this many times faster than real time.</param>
    /// <param name="start">False to queue requests before the loop's first step (tests), then call <see cref="Start"/>.</param>
    public EngineLoop(EngineOptions options, TimeProvider timeProvider, double timeScale, bool start = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeScale);
        _engine = new EngineCore(options);
        _timeProvider = timeProvider;
        _timeScale = timeScale;
        _origin = timeProvider.GetTimestamp();
        if (start)
        {
            Start();
        }
    }

    /// <summary>Starts the loop; requests submitted before are all in its first step.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    public EngineOptions Options => _engine.Options;

    /// <summary>The engine's gauges and counters as of the last step; requests submitted since then count as waiting.</summary>
    public EngineSnapshot Snapshot
    {
        get
        {
            var snapshot = Volatile.Read(ref _snapshot);
            var pending = (int)Interlocked.Read(ref _pendingSubmissions);
            return pending == 0 ? snapshot : snapshot with { Waiting = snapshot.Waiting + pending };
        }
    }

    public bool Fits(int promptTokens, int maxOutputTokens) => _engine.Fits(promptTokens, maxOutputTokens);

    /// <summary>How many times the loop has gone to sleep; tests wait for it to change before moving fake time.</summary>
    internal long Parks => Interlocked.Read(ref _parks);

    /// <summary>Requests whose last token has been handed out.</summary>
    internal long DeliveredFinishes => Interlocked.Read(ref _deliveredFinishes);

    /// <summary>Elapsed time since the loop started at which it will wake, or null while it waits for work.</summary>
    internal TimeSpan? PendingWake => Interlocked.Read(ref _pendingWakeTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>Queues a request; its tokens arrive on the ticket as the engine produces them.</summary>
    public EngineTicket Submit(int promptTokens, ulong[] promptBlockHashes, int maxOutputTokens)
    {
        var request = new EngineRequest(Interlocked.Increment(ref _nextId), promptTokens, promptBlockHashes, maxOutputTokens, EngineNowMs());
        var ticket = new EngineTicket(request, this);
        lock (_lock)
        {
            _inbox.Enqueue((request, ticket));
            Interlocked.Increment(ref _pendingSubmissions);
        }

        _wake.Release();
        return ticket;
    }

    /// <summary>Drops a request whose client left; its KV blocks are freed before the next step.</summary>
    internal void Abort(EngineRequest request)
    {
        lock (_lock)
        {
            _inbox.Enqueue((request, null));
        }

        _wake.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping is the expected end of the loop.
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private double EngineNowMs() => _timeProvider.GetElapsedTime(_origin).TotalMilliseconds * _timeScale;

    private async Task RunAsync()
    {
        var cancellation = _stop.Token;
        var lastEnd = 0.0;
        while (!cancellation.IsCancellationRequested)
        {
            DrainInbox();
            if (!_engine.HasWork)
            {
                Publish();
                Park(null);
                await _wake.WaitAsync(cancellation);
                continue;
            }

            // Back-to-back steps chain on exact engine time: rounding a wait up must not push the next step later.
            // Only when the machine has fallen clearly behind (or the engine was idle) does a step start at "now".
            var now = EngineNowMs();
            var step = _engine.Step(now - lastEnd < CatchUpSlackMs * _timeScale ? lastEnd : now);
            Publish();
            lastEnd = step.EndMs;

            // Timers count whole milliseconds: round up, so a token is never early; deadlines stay exact.
            var due = TimeSpan.FromMilliseconds(Math.Ceiling(step.EndMs / _timeScale));
            var wait = due - _timeProvider.GetElapsedTime(_origin);
            if (wait > TimeSpan.Zero)
            {
                Park(due);
                await Task.Delay(wait, _timeProvider, cancellation);
            }

            Deliver(step);
        }
    }

    private void Park(TimeSpan? due)
    {
        Interlocked.Exchange(ref _pendingWakeTicks, due?.Ticks ?? -1);
        Interlocked.Increment(ref _parks);
    }

    private void DrainInbox()
    {
        lock (_lock)
        {
            while (_inbox.TryDequeue(out var item))
            {
                if (item.Ticket is { } ticket)
                {
                    _tickets[item.Request] = ticket;
                    _engine.Add(item.Request);
                    Interlocked.Decrement(ref _pendingSubmissions);
                }
                else if (_tickets.Remove(item.Request))
                {
                    _engine.Abort(item.Request);
                }
            }
        }
    }

    private void Deliver(StepResult step)
    {
        foreach (var (request, finished) in step.Events)
        {
            if (!_tickets.TryGetValue(request, out var ticket))
            {
                continue;
            }

            ticket.OnToken(request.OutputTokens, finished, _timeScale);
            if (finished)
            {
                _tickets.Remove(request);
                Interlocked.Increment(ref _deliveredFinishes);
            }
        }
    }

    private void Publish() => Volatile.Write(ref _snapshot, new EngineSnapshot(
        _engine.RunningCount, _engine.WaitingCount, _engine.KvCacheUsage, _engine.PrefixQueryTokens, _engine.PrefixHitTokens, _engine.PreemptionCount));
}

/// <summary>The engine's state as /metrics shows it.</summary>
internal sealed record EngineSnapshot(int Running, int Waiting, double KvCacheUsage, long PrefixQueryTokens, long PrefixHitTokens, long Preemptions);

/// <summary>A submitted request's view of the engine: its tokens as they come, and an abort.</summary>
internal sealed class EngineTicket
{
    private readonly EngineLoop _loop;
    private readonly Channel<int> _tokens = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });

    internal EngineTicket(EngineRequest request, EngineLoop loop)
    {
        Request = request;
        _loop = loop;
    }

    internal EngineRequest Request { get; }

    /// <summary>Output token counts (1, 2, ...) as each is produced; completes when the request finishes.</summary>
    public ChannelReader<int> Tokens => _tokens.Reader;

    /// <summary>Simulated time from arrival to the first token (or the end of prefill), in real seconds.</summary>
    public double? TimeToFirstTokenSeconds { get; private set; }

    public void Abort() => _loop.Abort(Request);

    internal void OnToken(int outputTokens, bool finished, double timeScale)
    {
        TimeToFirstTokenSeconds ??= (Request.FirstTokenMs!.Value - Request.ArrivalMs) / timeScale / 1000;
        if (outputTokens > 0)
        {
            _tokens.Writer.TryWrite(outputTokens);
        }

        if (finished)
        {
            _tokens.Writer.TryComplete();
        }
    }
}

using Aigis.Core.Routing;

namespace Aigis.Proxy;

/// <summary>
/// The current upstream attempt of one request: the instance it went to and when, its deadlines, what the
/// transformer, body guard and timeout handler found out about it, and the prompt's prefill the instance owes
/// until its first byte comes back (or the attempt ends without one). One per request, reset for each retry.
/// </summary>
internal sealed class UpstreamAttempt(TimeProvider time, long totalDeadline, TimeSpan total, bool expectDone, UpstreamDeadline deadline)
{
    /// <summary>How the timeout handler finds the attempt from the outgoing request.</summary>
    public static readonly HttpRequestOptionsKey<UpstreamAttempt> OptionKey = new("aigis.attempt");

    public TimeProvider Time { get; } = time;

    /// <summary>What the current attempt's waits are cancelled by (its timeouts, the drain's cut, the client leaving).</summary>
    public UpstreamDeadline Deadline { get; } = deadline;

    public UpstreamInstance Instance { get; private set; } = null!;

    public long StartedAt { get; private set; }

    /// <summary>When this attempt's first response body byte (or a bodiless answer) arrived; 0 until then.</summary>
    public long FirstByteAt { get; private set; }

    /// <summary>When the first byte of the answer must have come (a timestamp).</summary>
    public long FirstByteDeadline { get; private set; }

    /// <summary>When the request's time upstream ends, retries and stream included (a timestamp).</summary>
    public long TotalDeadline { get; } = totalDeadline;

    public TimeSpan Total { get; } = total;

    public TimeSpan FirstByte { get; private set; }

    public TimeSpan Idle { get; private set; }

    /// <summary>A model stream, which must end with <c>data: [DONE]</c>; ending without it is a cut.</summary>
    public bool ExpectDone { get; } = expectDone;

    /// <summary>
    /// Whether a retryable failure before the client saw a byte should be held back for a retry or fallback: the
    /// forwarder allows it, and the request body can still be sent again (a streamed one only while unread).
    /// </summary>
    public bool MayRetry => _mayRetry && (_body?.CanReplay ?? true);

    public int StatusCode { get; set; }

    public UpstreamFailure Failure { get; set; }

    /// <summary>True once bytes of the answer were handed on toward the client: from then on it is never retried.</summary>
    public bool Delivering { get; set; }

    private bool _mayRetry;
    private ReplayableBody? _body;
    private GuardedResponseContent? _response;
    private int _promptBlocks;
    private int _prefillSettled = 1;

    public void Begin(UpstreamInstance instance, ReplayableBody body, int promptBlocks, TimeSpan firstByte, TimeSpan idle, bool mayRetry)
    {
        _body = body;
        _promptBlocks = promptBlocks;
        _prefillSettled = 0;
        instance.OnPrefillPending(promptBlocks);
        Instance = instance;
        StartedAt = Time.GetTimestamp();
        FirstByteAt = 0;
        FirstByte = firstByte;
        Idle = idle;
        FirstByteDeadline = Math.Min(StartedAt + Ticks(firstByte), TotalDeadline);
        _mayRetry = mayRetry;
        StatusCode = 0;
        Failure = UpstreamFailure.None;
        Delivering = false;
        Deadline.Reset();
    }

    /// <summary>The guarded body of this attempt's answer, released by <see cref="End"/> (YARP does not dispose an answer it copied).</summary>
    public void Holds(GuardedResponseContent response) => _response = response;

    /// <summary>
    /// The attempt is over, however it ended: its answer's buffers, upstream stream and usage tail are released now,
    /// and its deadline is disarmed. The forwarder calls it in a <c>finally</c>.
    /// </summary>
    public void End()
    {
        Deadline.Disarm();
        if (Interlocked.Exchange(ref _response, null) is { } response)
        {
            response.Dispose();
        }
    }

    /// <summary>The first-byte deadline, and which timeout it is (the total one when that comes first).</summary>
    public UpstreamFailure FirstByteDeadlineKind => StartedAt + Ticks(FirstByte) > TotalDeadline
        ? UpstreamFailure.TotalTimeout
        : UpstreamFailure.FirstByteTimeout;

    /// <summary>Time left until <paramref name="deadline"/>, never negative.</summary>
    public TimeSpan Until(long deadline)
    {
        var now = Time.GetTimestamp();
        return deadline <= now ? TimeSpan.Zero : Time.GetElapsedTime(now, deadline);
    }

    /// <summary>The first body byte arrived: the instance's latency estimate learns the time to it, and its prefill is done.</summary>
    public void OnFirstByte()
    {
        var now = Time.GetTimestamp();
        FirstByteAt = now;
        var latency = Time.GetElapsedTime(StartedAt, now);
        Instance.Latency.Record(latency, now, Time);
        SettlePrefill();
        if (Record is { } record)
        {
            record.FirstByteAt = now;
        }

        Metrics?.RecordUpstreamLatency(Instance, latency);
    }

    /// <summary>The request's record, where the first byte's time is noted for the access log.</summary>
    public Pipeline.RequestRecord? Record { get; set; }

    /// <summary>Where upstream latency is counted; set by the transformer.</summary>
    public Telemetry.GatewayMetrics? Metrics { get; set; }

    /// <summary>The first byte arrived or the attempt is over; only the first call per attempt counts.</summary>
    public void SettlePrefill()
    {
        if (Interlocked.Exchange(ref _prefillSettled, 1) == 0)
        {
            Instance.OnPrefillDone(_promptBlocks);
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Time.TimestampFrequency);
}

namespace Aigis.Bench.Load;

/// <summary>What an open-loop run sends: where, how fast, for how long, and what each request looks like.</summary>
internal sealed record LoadPlan
{
    public const int DefaultConcurrencyCap = 1024;
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    public required Uri Url { get; init; }

    /// <summary>Requests started per second, whatever the answers do.</summary>
    public required double Rate { get; init; }

    public required TimeSpan Duration { get; init; }

    /// <summary>The request body; empty means a GET.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Answers are server-sent events; one that does not end with <c>data: [DONE]</c> counts as an error.</summary>
    public bool Stream { get; init; }

    /// <summary>
    /// Most requests open at once. A request past the cap waits for a slot, but its latency still counts from the
    /// time it was due, so a saturated target shows as latency, never as a lower rate that hides it.
    /// </summary>
    public int ConcurrencyCap { get; init; } = DefaultConcurrencyCap;

    /// <summary>A request with no complete answer by then is abandoned and counted as <c>timeout</c>.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    /// <summary>How many requests the run sends: the rate times the duration.</summary>
    public int RequestCount => (int)Math.Min(int.MaxValue, Math.Floor(Rate * Duration.TotalSeconds));
}

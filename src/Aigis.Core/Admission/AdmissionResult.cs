namespace Aigis.Core.Admission;

/// <summary>Why a request was not admitted. Label values of <c>aigis.admission.shed</c>.</summary>
public enum ShedReason
{
    None = 0,

    /// <summary>The queue was full of requests of the same or higher priority.</summary>
    QueueFull,

    /// <summary>The wait expected on arrival was longer than the queue's bound.</summary>
    WaitTooLong,

    /// <summary>It waited the queue's whole bound without getting a slot.</summary>
    QueueTimeout,

    /// <summary>A higher-priority arrival took its place in a full queue.</summary>
    Evicted,

    /// <summary>The caller went away while it waited; nobody is answered.</summary>
    Cancelled,

    /// <summary>The gateway's shutdown drain was cut while it waited.</summary>
    ShuttingDown,
}

/// <summary>The outcome of asking for a slot: admitted, or shed with a hint of when to retry. A value, never an exception.</summary>
public readonly record struct AdmissionResult(ShedReason Reason, TimeSpan RetryAfter)
{
    public static AdmissionResult Admitted => default;

    public bool IsAdmitted => Reason == ShedReason.None;

    public static AdmissionResult Shed(ShedReason reason, TimeSpan retryAfter) => new(reason, retryAfter);
}

namespace Aigis.Core.Resilience;

/// <summary>How one upstream attempt ended, as passive health sees it.</summary>
public enum AttemptResult
{
    /// <summary>An answer below 500 that was delivered whole.</summary>
    Success,

    /// <summary>A 5xx answer.</summary>
    ServerError,

    /// <summary>No connection could be made.</summary>
    ConnectFailure,

    /// <summary>A connect, first-byte, idle or total timeout.</summary>
    Timeout,

    /// <summary>A reset, a cut stream, or malformed events after the answer began.</summary>
    Broken,
}

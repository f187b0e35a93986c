namespace Aigis.Proxy;

/// <summary>
/// How forwarding to one service ended. The last three pass the request on to the service's next fallback, if any.
/// Admission answers <see cref="Shed"/> when it refuses a request for load, so a fallback can take it.
/// </summary>
internal enum ForwardOutcome
{
    /// <summary>An answer went to the client (whatever its status).</summary>
    Served,

    /// <summary>The request failed in a way no other service would fix; the client has its answer.</summary>
    Failed,

    /// <summary>The client went away.</summary>
    ClientGone,

    /// <summary>The service had no instance to try.</summary>
    NoInstance,

    /// <summary>The service refused the request for load.</summary>
    Shed,

    /// <summary>Every attempt failed in a way another service might not (connect failure, 502/503/504, reset, timeout).</summary>
    RetryableFailure,
}

namespace Aigis.Proxy;

/// <summary>Why an upstream attempt failed, as found by the parts of the proxy that see it (transformer, body guard, timeout handler).</summary>
internal enum UpstreamFailure
{
    None,

    /// <summary>A 502, 503 or 504 held back (not passed to the client) so the request can be retried or fall back.</summary>
    RetryableStatus,

    /// <summary>No answer (headers, or the first body byte) within the first-byte timeout.</summary>
    FirstByteTimeout,

    /// <summary>The request's total timeout passed.</summary>
    TotalTimeout,

    /// <summary>The upstream went silent between body chunks for longer than the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The connection broke, or a model stream ended without <c>data: [DONE]</c>.</summary>
    Cut,

    /// <summary>A model stream sent an event that is not JSON.</summary>
    Malformed,

    /// <summary>The gateway's shutdown drain cut the answer (Hosting/Shutdown); the instance is not to blame.</summary>
    ShuttingDown,
}

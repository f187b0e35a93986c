namespace Aigis.Identity;

/// <summary>Why a request was not authenticated; each has its own error code.</summary>
internal enum AuthFailure
{
    None,

    /// <summary>No credential at all.</summary>
    Missing,

    /// <summary>
    /// Malformed, unknown, or a known id with the wrong secret: one answer for all three, so guessing learns
    /// nothing (see <see cref="ApiKeyAuthenticator"/>).
    /// </summary>
    Invalid,

    /// <summary>Two credentials that disagree, or one header sent twice: refused rather than guessing which counts.</summary>
    Ambiguous,

    /// <summary>The right secret, past its expiry (or the end of its rotation overlap).</summary>
    Expired,

    /// <summary>The right secret, revoked.</summary>
    Revoked,

    /// <summary>The key could not be looked up: the store failed. Not the caller's fault: 503.</summary>
    StoreUnavailable,

    /// <summary>A JWT with a bad signature, issuer, audience or algorithm, no <c>exp</c>, not yet valid, or for a tenant that does not exist.</summary>
    InvalidToken,

    /// <summary>A valid JWT past its <c>exp</c> plus the allowed clock skew.</summary>
    ExpiredToken,

    /// <summary>A valid JWT without the configured tenant claim.</summary>
    TokenWithoutTenant,
}

/// <summary>The outcome of authentication: a caller, or a failure and the key it was about (only when proven).</summary>
internal readonly record struct AuthResult(CallerIdentity? Caller, AuthFailure Failure, string? KeyId = null, bool Rotated = false)
{
    public bool Succeeded => Caller is not null;

    public static AuthResult Fail(AuthFailure failure) => new(null, failure);
}

using Aigis.Core.Limits;

namespace Aigis.Limits;

/// <summary>
/// Where request and token limits are decided: in this process (<see cref="LocalLimitBackend"/>, the default) or
/// in Redis, shared by every gateway replica (<see cref="Redis.RedisLimitBackend"/>). Both run the same GCRA
/// (<see cref="Gcra"/>), so a limit means the same whichever decides it.
/// </summary>
internal interface ILimitBackend
{
    /// <summary>
    /// Admits a request against its tenant's and its key's limits, all or nothing, charging one request and
    /// <paramref name="reservedTokens"/> tokens to each. Never throws for a store failure: that is a decision too
    /// (a local share, or <see cref="LimitKind.StoreUnavailable"/>), by the limit's <c>onStoreFailure</c>.
    /// </summary>
    ValueTask<RateLimitDecision> AdmitAsync(LimitEntry? tenant, LimitEntry? key, long reservedTokens);

    /// <summary>
    /// Charges tokens learned when the response ended (the real usage less the reservation; negative gives back an
    /// unused reservation). Called whatever the request's fate (a cut stream, a client gone), so never cancelled.
    /// </summary>
    ValueTask ChargeTokensAsync(LimitEntry? tenant, LimitEntry? key, long tokens);
}

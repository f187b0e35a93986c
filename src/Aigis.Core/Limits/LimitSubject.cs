using Aigis.Core.Identity;

namespace Aigis.Core.Limits;

/// <summary>Whose allowance a limit is: the whole tenant's, or one key's.</summary>
public enum LimitScope
{
    Tenant,
    Key,
}

/// <summary>Which limit refused a request.</summary>
public enum LimitKind
{
    Requests,
    Tokens,
    TokensPerDay,
    Concurrency,

    /// <summary>The shared limit store (Redis) could not decide and the limit's policy is <c>fail-closed</c>.</summary>
    StoreUnavailable,
}

/// <summary>
/// The counters of one tenant or one key, built from its <see cref="TenantLimits"/>; rebuilt (counts start
/// over) only when those limits change.
/// </summary>
/// <remarks>Times are microseconds on the owner's monotonic clock (see <see cref="GcraCounter"/>).</remarks>
public sealed class LimitSubject(TenantLimits limits)
{
    public TenantLimits Limits { get; } = limits;

    /// <summary>The same limits divided among <paramref name="replicas"/> gateways (at least 1 each), for a replica deciding alone.</summary>
    public static TenantLimits Share(TenantLimits limits, int replicas) => replicas <= 1 ? limits : limits with
    {
        RequestsPerMinute = Divide(limits.RequestsPerMinute, replicas),
        TokensPerMinute = Divide(limits.TokensPerMinute, replicas),
        TokensPerDay = Divide(limits.TokensPerDay, replicas),
    };

    /// <summary>True when every counter has replenished: the subject reads as new.</summary>
    public bool IsIdle(long now) =>
        (RequestsPerMinute?.IsIdle(now) ?? true) && (TokensPerMinute?.IsIdle(now) ?? true) && (TokensPerDay?.IsIdle(now) ?? true);

    private static long? Divide(long? limit, int replicas) => limit is { } l ? Math.Max(1, l / replicas) : null;

    public GcraCounter? RequestsPerMinute { get; } = limits.RequestsPerMinute is { } rpm ? new(rpm, LimitWindow.Minute) : null;

    public GcraCounter? TokensPerMinute { get; } = limits.TokensPerMinute is { } tpm ? new(tpm, LimitWindow.Minute) : null;

    public GcraCounter? TokensPerDay { get; } = limits.TokensPerDay is { } tpd ? new(tpd, LimitWindow.Day) : null;

    /// <summary>Charges tokens learned after admission to both token limits (negative: gives back an unused reservation).</summary>
    public void ChargeTokens(long now, long tokens)
    {
        if (tokens != 0)
        {
            TokensPerMinute?.Charge(now, tokens);
            TokensPerDay?.Charge(now, tokens);
        }
    }
}

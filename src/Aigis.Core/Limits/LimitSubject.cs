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
}

/// <summary>
/// The counters of one tenant or one key, built from its <see cref="TenantLimits"/>; rebuilt (counts start
/// over) only when those limits change.
/// </summary>
public sealed class LimitSubject(TenantLimits limits)
{
    public TenantLimits Limits { get; } = limits;

    public FixedWindowCounter? RequestsPerMinute { get; } = limits.RequestsPerMinute is { } rpm ? new(rpm, LimitWindow.Minute) : null;

    public FixedWindowCounter? TokensPerMinute { get; } = limits.TokensPerMinute is { } tpm ? new(tpm, LimitWindow.Minute) : null;

    public FixedWindowCounter? TokensPerDay { get; } = limits.TokensPerDay is { } tpd ? new(tpd, LimitWindow.Day) : null;

    /// <summary>Charges tokens learned after admission to both token windows.</summary>
    public void ChargeTokens(DateTimeOffset now, long tokens)
    {
        if (tokens != 0)
        {
            TokensPerMinute?.Charge(now, tokens);
            TokensPerDay?.Charge(now, tokens);
        }
    }
}

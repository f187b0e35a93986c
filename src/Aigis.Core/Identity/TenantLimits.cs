namespace Aigis.Core.Identity;

/// <summary>
/// Rate limits, each null when there is none. A tenant has two sets: one for all its keys together and one
/// that each of its keys gets on its own, so one busy key cannot use up the whole tenant's allowance.
/// </summary>
public sealed record TenantLimits
{
    public static readonly TenantLimits None = new();

    public long? RequestsPerMinute { get; init; }

    public long? TokensPerMinute { get; init; }

    public long? TokensPerDay { get; init; }

    public long? ConcurrentRequests { get; init; }

    public bool IsEmpty => RequestsPerMinute is null && TokensPerMinute is null && TokensPerDay is null && ConcurrentRequests is null;
}

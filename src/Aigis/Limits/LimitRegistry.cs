using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Aigis.Core.Identity;
using Aigis.Core.Limits;

namespace Aigis.Limits;

/// <summary>
/// The live counters of every tenant and key that has limits, in memory (DESIGN.md: counters are in memory for
/// one gateway, in Redis when replicas share them). An entry is rebuilt, and its counts start over, only when
/// its limits change; tenants and keys never share an entry, so one tenant's load never touches another's.
/// </summary>
internal sealed class LimitRegistry
{
    private readonly ConcurrentDictionary<string, LimitEntry> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LimitEntry> _keys = new(StringComparer.Ordinal);

    public LimitEntry? Tenant(string name, TenantLimits limits) => For(_tenants, name, limits);

    public LimitEntry? Key(string id, TenantLimits limits) => For(_keys, id, limits);

    private static LimitEntry? For(ConcurrentDictionary<string, LimitEntry> map, string id, TenantLimits limits)
    {
        if (limits.IsEmpty)
        {
            return null;
        }

        if (map.TryGetValue(id, out var entry) && entry.Windows.Limits == limits)
        {
            return entry;
        }

        // Two requests may race to replace an entry; the one stored last wins and the other's counts are lost
        // once, at the moment the limits changed: acceptable for a change an admin just made.
        entry = new LimitEntry(limits);
        map[id] = entry;
        return entry;
    }
}

/// <summary>One tenant's or key's windows and its concurrency limiter.</summary>
internal sealed class LimitEntry(TenantLimits limits)
{
    public LimitSubject Windows { get; } = new(limits);

    /// <summary>System.Threading.RateLimiting's limiter: no time involved, no queue (a request over the limit is refused, not held).</summary>
    public ConcurrencyLimiter? Concurrency { get; } = limits.ConcurrentRequests is { } n
        ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = (int)Math.Min(n, int.MaxValue), QueueLimit = 0 })
        : null;
}

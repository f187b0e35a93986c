using Aigis.Core.Limits;
using StackExchange.Redis;

namespace Aigis.Limits.Redis;

/// <summary>
/// What the Redis backend keeps for one tenant or key: its Redis keys, built once rather than per request, and the
/// local share of its limits (limit / replicas) that a fail-open limit falls back to while Redis cannot answer.
/// </summary>
internal sealed class RedisEntryState
{
    public RedisEntryState(LimitEntry entry, int replicas)
    {
        var prefix = "aigis:limit:" + (entry.Scope == LimitScope.Tenant ? "tenant:" : "key:") + entry.Id + ":";
        RequestsPerMinute = new RedisKey(prefix + "rpm");
        TokensPerMinute = new RedisKey(prefix + "tpm");
        TokensPerDay = new RedisKey(prefix + "tpd");
        Fallback = new LimitSubject(LimitSubject.Share(entry.Windows.Limits, replicas));
    }

    public RedisKey RequestsPerMinute { get; }

    public RedisKey TokensPerMinute { get; }

    public RedisKey TokensPerDay { get; }

    /// <summary>This replica's share of the limits, counted here only while Redis is unreachable.</summary>
    public LimitSubject Fallback { get; }
}

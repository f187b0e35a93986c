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
/// <remarks>
/// Keys (and JWT subjects, one "key" each) come and go without bound, so entries expire: one whose every limit
/// has replenished, with nothing in flight, reads exactly as a new one would, and is dropped without losing
/// anything. The map is swept every <see cref="SweepEvery"/> new entries, so its size
/// follows the subjects active within their longest window, not every subject ever seen.
/// </remarks>
internal sealed class LimitRegistry(TimeProvider timeProvider)
{
    /// <summary>New entries between two sweeps of a map.</summary>
    public const int SweepEvery = 4096;

    // The GCRA clock's origin: the limiters count microseconds from here on the monotonic clock, so a wall-clock
    // step never moves a limit, and the values stay small enough for exact double arithmetic (Gcra's remarks).
    private readonly long _origin = timeProvider.GetTimestamp();

    private readonly Scope _tenants = new(LimitScope.Tenant);
    private readonly Scope _keys = new(LimitScope.Key);

    /// <summary>Entries held now (tenants and keys), for tests and the metrics.</summary>
    public int Count => _tenants.Map.Count + _keys.Map.Count;

    /// <summary>The tenants' and keys' entries held now, for the admin view of live counters (a snapshot; it never enters one).</summary>
    public IEnumerable<(string Scope, string Subject, LimitEntry Entry)> Entries() =>
        _tenants.Map.Select(e => ("tenant", e.Key, e.Value)).Concat(_keys.Map.Select(e => ("key", e.Key, e.Value)));

    /// <summary>Now, in microseconds on the limiters' clock.</summary>
    public long Now => timeProvider.GetElapsedTime(_origin).Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>The tenant's entry, entered: the caller holds it until the request ends, then calls <see cref="LimitEntry.Exit"/>.</summary>
    public LimitEntry? EnterTenant(string name, TenantLimits limits) => Enter(_tenants, name, limits);

    /// <summary>The key's entry, entered, as <see cref="EnterTenant"/>.</summary>
    public LimitEntry? EnterKey(string id, TenantLimits limits) => Enter(_keys, id, limits);

    private LimitEntry? Enter(Scope scope, string id, TenantLimits limits)
    {
        if (limits.IsEmpty)
        {
            return null;
        }

        while (true)
        {
            if (!scope.Map.TryGetValue(id, out var entry) || entry.Windows.Limits != limits)
            {
                // Two requests may race to replace an entry; the one stored last wins and the other's counts are
                // lost once, at the moment the limits changed: acceptable for a change an admin just made.
                entry = new LimitEntry(limits, scope.Kind, id);
                scope.Map[id] = entry;
                if (Interlocked.Increment(ref scope.Added) % SweepEvery == 0)
                {
                    Sweep(scope, Now);
                }
            }

            entry.Enter();

            // A sweep may have dropped the entry between the lookup and the entry: take the one the map holds.
            if (scope.Map.TryGetValue(id, out var held) && ReferenceEquals(held, entry))
            {
                return entry;
            }

            entry.Exit();
        }
    }

    private static void Sweep(Scope scope, long now)
    {
        foreach (var pair in scope.Map)
        {
            if (pair.Value.IsIdle(now) && scope.Map.TryRemove(pair) && pair.Value.InFlight > 0)
            {
                // Entered between the check and the removal: it is in use, so it goes back.
                scope.Map.TryAdd(pair.Key, pair.Value);
            }
        }
    }

    private sealed class Scope(LimitScope kind)
    {
        public readonly LimitScope Kind = kind;
        public readonly ConcurrentDictionary<string, LimitEntry> Map = new(StringComparer.Ordinal);
        public int Added;
    }
}

/// <summary>One tenant's or key's limits and its concurrency limiter.</summary>
internal sealed class LimitEntry(TenantLimits limits, LimitScope scope, string id)
{
    private readonly int _permits = limits.ConcurrentRequests is { } n ? (int)Math.Min(n, int.MaxValue) : 0;
    private int _inFlight;

    public LimitSubject Windows { get; } = new(limits);

    /// <summary>Whose limits these are: a tenant's (all its keys together) or one key's.</summary>
    public LimitScope Scope { get; } = scope;

    /// <summary>The tenant's name or the key's id.</summary>
    public string Id { get; } = id;

    private Redis.RedisEntryState? _shared;

    /// <summary>
    /// What the Redis backend keeps per entry (its keys, the local share it falls back to), made on first use so
    /// the local backend never pays for it; one per entry even when two requests race to make it.
    /// </summary>
    public Redis.RedisEntryState Shared(int replicas) =>
        Volatile.Read(ref _shared) ?? Interlocked.CompareExchange(ref _shared, new Redis.RedisEntryState(this, replicas), null) ?? _shared!;

    /// <summary>System.Threading.RateLimiting's limiter: no time involved, no queue (a request over the limit is refused, not held).</summary>
    public ConcurrencyLimiter? Concurrency { get; } = limits.ConcurrentRequests is { } n
        ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = (int)Math.Min(n, int.MaxValue), QueueLimit = 0 })
        : null;

    /// <summary>Requests holding the entry now (admitted or being admitted, not yet charged for their answer).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    /// <summary>The request that entered has been charged in full.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// True when dropping the entry loses nothing: no request holds it, and every limit has replenished since it was
    /// last charged, so a new entry would read the same.
    /// </summary>
    public bool IsIdle(long now) =>
        InFlight == 0
        && (Concurrency is not { } limiter || limiter.GetStatistics()?.CurrentAvailablePermits == _permits)
        && Windows.IsIdle(now)
        && (Volatile.Read(ref _shared)?.Fallback.IsIdle(now) ?? true);
}

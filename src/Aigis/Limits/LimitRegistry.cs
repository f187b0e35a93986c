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
/// Keys (and JWT subjects, one "key" each) come and go without bound, so entries expire: one whose every window
/// has ended since it was last used, with nothing in flight, holds only counts that would read zero now, and is
/// dropped without losing anything. The map is swept every <see cref="SweepEvery"/> new entries, so its size
/// follows the subjects active within their longest window, not every subject ever seen.
/// </remarks>
internal sealed class LimitRegistry(TimeProvider timeProvider)
{
    /// <summary>New entries between two sweeps of a map.</summary>
    public const int SweepEvery = 4096;

    private readonly Scope _tenants = new();
    private readonly Scope _keys = new();

    /// <summary>Entries held now (tenants and keys), for tests and the metrics.</summary>
    public int Count => _tenants.Map.Count + _keys.Map.Count;

    /// <summary>The tenants' and keys' entries held now, for the admin view of live counters (a snapshot; it never enters one).</summary>
    public IEnumerable<(string Scope, string Subject, LimitEntry Entry)> Entries() =>
        _tenants.Map.Select(e => ("tenant", e.Key, e.Value)).Concat(_keys.Map.Select(e => ("key", e.Key, e.Value)));

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

        var now = timeProvider.GetUtcNow();
        while (true)
        {
            if (!scope.Map.TryGetValue(id, out var entry) || entry.Windows.Limits != limits)
            {
                // Two requests may race to replace an entry; the one stored last wins and the other's counts are
                // lost once, at the moment the limits changed: acceptable for a change an admin just made.
                entry = new LimitEntry(limits);
                scope.Map[id] = entry;
                if (Interlocked.Increment(ref scope.Added) % SweepEvery == 0)
                {
                    Sweep(scope, now);
                }
            }

            entry.Enter(now);

            // A sweep may have dropped the entry between the lookup and the entry: take the one the map holds.
            if (scope.Map.TryGetValue(id, out var held) && ReferenceEquals(held, entry))
            {
                return entry;
            }

            entry.Exit();
        }
    }

    private static void Sweep(Scope scope, DateTimeOffset now)
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

    private sealed class Scope
    {
        public readonly ConcurrentDictionary<string, LimitEntry> Map = new(StringComparer.Ordinal);
        public int Added;
    }
}

/// <summary>One tenant's or key's windows and its concurrency limiter.</summary>
internal sealed class LimitEntry(TenantLimits limits)
{
    private readonly int _permits = limits.ConcurrentRequests is { } n ? (int)Math.Min(n, int.MaxValue) : 0;
    private long _lastUsedTicks;
    private int _inFlight;

    public LimitSubject Windows { get; } = new(limits);

    /// <summary>System.Threading.RateLimiting's limiter: no time involved, no queue (a request over the limit is refused, not held).</summary>
    public ConcurrencyLimiter? Concurrency { get; } = limits.ConcurrentRequests is { } n
        ? new ConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = (int)Math.Min(n, int.MaxValue), QueueLimit = 0 })
        : null;

    /// <summary>Requests holding the entry now (admitted or being admitted, not yet charged for their answer).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter(DateTimeOffset now)
    {
        Interlocked.Increment(ref _inFlight);
        Volatile.Write(ref _lastUsedTicks, now.UtcTicks);
    }

    /// <summary>The request that entered has been charged in full.</summary>
    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>
    /// True when dropping the entry loses nothing: no request holds it, and the longest window it counts in (a day
    /// for tokens per day, else a minute) has turned over since it was last entered, so every count would read zero.
    /// </summary>
    public bool IsIdle(DateTimeOffset now)
    {
        if (InFlight > 0 || (Concurrency is { } limiter && limiter.GetStatistics()?.CurrentAvailablePermits != _permits))
        {
            return false;
        }

        var lastUsed = new DateTime(Volatile.Read(ref _lastUsedTicks), DateTimeKind.Utc);
        var utc = now.UtcDateTime;
        var windowStart = Windows.TokensPerDay is not null
            ? utc.Date
            : new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc);
        return lastUsed < windowStart;
    }
}

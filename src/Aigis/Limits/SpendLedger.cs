using System.Collections.Concurrent;
using Aigis.Core.Limits;
using Aigis.Store;

namespace Aigis.Limits;

/// <summary>
/// Spend per tenant and per key for the current day and month, in memory, where admission reads it; loaded
/// from the store at start (this month's days), charged as responses end.
/// </summary>
/// <remarks>
/// Only keys under a key budget get a counter (the store keeps every key's usage anyway), and a counter with
/// nothing spent this month holds nothing a budget needs: the maps are swept of those every
/// <see cref="LimitRegistry.SweepEvery"/> new counters, so months turning over and keys that never spend do not
/// accumulate. A key that spent this month keeps its counter to the month's end: the budget needs it.
/// </remarks>
internal sealed class SpendLedger(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, SpendSlot> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SpendSlot> _keys = new(StringComparer.Ordinal);
    private int _added;

    /// <summary>Counters held now (tenants and keys).</summary>
    public int Count => _tenants.Count + _keys.Count;

    /// <summary>The tenant's counter, held by the caller until its request is charged (<see cref="SpendSlot.Exit"/>).</summary>
    public SpendSlot EnterTenant(string name) => Enter(_tenants, name);

    /// <summary>The key's counter, held as <see cref="EnterTenant"/>.</summary>
    public SpendSlot EnterKey(string id) => Enter(_keys, id);

    private SpendSlot Enter(ConcurrentDictionary<string, SpendSlot> map, string id)
    {
        while (true)
        {
            if (!map.TryGetValue(id, out var slot))
            {
                slot = map.GetOrAdd(id, static _ => new SpendSlot());
                if (Interlocked.Increment(ref _added) % LimitRegistry.SweepEvery == 0)
                {
                    var now = timeProvider.GetUtcNow();
                    Sweep(_tenants, now);
                    Sweep(_keys, now);
                }
            }

            slot.Enter();

            // A sweep may have dropped it between the lookup and the entry: take the one the map holds.
            if (map.TryGetValue(id, out var held) && ReferenceEquals(held, slot))
            {
                return slot;
            }

            slot.Exit();
        }
    }

    private static void Sweep(ConcurrentDictionary<string, SpendSlot> map, DateTimeOffset now)
    {
        foreach (var pair in map)
        {
            var slot = pair.Value;
            if (slot.InFlight == 0 && slot.Counter.Spent(Core.Identity.BudgetPeriod.Month, now) == 0 && map.TryRemove(pair) && slot.InFlight > 0)
            {
                // Entered between the check and the removal: it is in use, so it goes back.
                map.TryAdd(pair.Key, slot);
            }
        }
    }

    public async Task LoadAsync(IUsageStore store, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var row in await store.ReadUsageAsync(BudgetPeriods.MonthStart(now), cancellationToken))
        {
            var slot = row.Subject.StartsWith("tenant:", StringComparison.Ordinal) ? EnterTenant(row.Subject["tenant:".Length..])
                : row.Subject.StartsWith("key:", StringComparison.Ordinal) ? EnterKey(row.Subject["key:".Length..])
                : null;
            slot?.Counter.Load(now, row.Day, row.CostMicros);
            slot?.Exit();
        }
    }
}

/// <summary>A spend counter and how many requests hold it (a held counter is never swept).</summary>
internal sealed class SpendSlot
{
    private int _inFlight;

    public SpendCounter Counter { get; } = new();

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}

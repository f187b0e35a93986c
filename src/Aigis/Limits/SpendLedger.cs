using System.Collections.Concurrent;
using Aigis.Core.Limits;
using Aigis.Store;

namespace Aigis.Limits;

/// <summary>
/// Spend per tenant and per key for the current day and month, in memory, where admission reads it; loaded
/// from the store at start (this month's days), charged as responses end.
/// </summary>
internal sealed class SpendLedger(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, SpendCounter> _tenants = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SpendCounter> _keys = new(StringComparer.Ordinal);

    public SpendCounter Tenant(string name) => _tenants.GetOrAdd(name, static _ => new SpendCounter());

    public SpendCounter Key(string id) => _keys.GetOrAdd(id, static _ => new SpendCounter());

    public async Task LoadAsync(IUsageStore store, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        foreach (var row in await store.ReadUsageAsync(BudgetPeriods.MonthStart(now), cancellationToken))
        {
            var counter = row.Subject.StartsWith("tenant:", StringComparison.Ordinal) ? Tenant(row.Subject["tenant:".Length..])
                : row.Subject.StartsWith("key:", StringComparison.Ordinal) ? Key(row.Subject["key:".Length..])
                : null;
            counter?.Load(now, row.Day, row.CostMicros);
        }
    }
}

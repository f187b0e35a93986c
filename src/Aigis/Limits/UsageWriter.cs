using System.Data.Common;
using Aigis.Core.Limits;
using Aigis.Store;
using Microsoft.Extensions.Logging;

namespace Aigis.Limits;

/// <summary>One request's usage, as the budget stage hands it over.</summary>
internal readonly record struct UsageRecord(string Tenant, string KeyId, DateTimeOffset At, long PromptTokens, long CompletionTokens, long CostMicros);

/// <summary>
/// Writes usage and spend to the store off the request path, as <see cref="Identity.AuditWriter"/> writes the
/// audit log: <see cref="Record"/> only queues; one loop drains the queue, sums each batch per tenant, key and
/// day, and adds the sums in one transaction, so a thousand requests cost the store a handful of upserts.
/// <see cref="StopAsync"/> writes everything queued before it returns, so a clean shutdown loses nothing.
/// </summary>
/// <remarks>
/// The spend that budgets are checked against lives in memory (<see cref="SpendLedger"/>), charged at once;
/// the store is its durable copy, read back at start. A full queue drops records (counted and logged) rather
/// than make requests wait for the disk: budgets stay exact in memory, only the durable copy would lag.
/// </remarks>
internal sealed partial class UsageWriter(IUsageStore store, ILogger logger, int capacity = 50_000)
    : BackgroundBatchWriter<UsageRecord>(capacity, BatchSize)
{
    private const int BatchSize = 1024;

    protected override async Task<bool> WriteBatchAsync(IReadOnlyList<UsageRecord> batch)
    {
        var sums = new Dictionary<(string Subject, DateTimeOffset Day), UsageTotals>();
        foreach (var usage in batch)
        {
            var day = BudgetPeriods.DayStart(usage.At);
            Add(sums, UsageTotals.TenantSubject(usage.Tenant), day, usage);
            Add(sums, UsageTotals.KeySubject(usage.KeyId), day, usage);
        }

        try
        {
            await store.AddUsageAsync(sums.Values, CancellationToken.None);
            return true;
        }
        catch (DbException e)
        {
            // The store is the boundary: report the lost batch and go on; the in-memory spend is unaffected.
            Log.WriteFailed(logger, e, batch.Count);
            return false;
        }
    }

    protected override void ReportDropped(long count, long total) => Log.UsageDropped(logger, count, total);

    private static void Add(Dictionary<(string, DateTimeOffset), UsageTotals> sums, string subject, DateTimeOffset day, UsageRecord usage)
    {
        var key = (subject, day);
        sums[key] = sums.TryGetValue(key, out var sum)
            ? sum with
            {
                Requests = sum.Requests + 1,
                PromptTokens = sum.PromptTokens + usage.PromptTokens,
                CompletionTokens = sum.CompletionTokens + usage.CompletionTokens,
                CostMicros = sum.CostMicros + usage.CostMicros,
            }
            : new UsageTotals(subject, day, 1, usage.PromptTokens, usage.CompletionTokens, usage.CostMicros);
    }

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Warning, "Usage queue full: {Count} usage records dropped ({Total} since start)")]
        public static partial void UsageDropped(ILogger logger, long count, long total);

        [LoggerMessage(71, LogLevel.Error, "Could not write {Count} usage records to the store")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);
    }
}

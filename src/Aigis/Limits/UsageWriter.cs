using System.Data.Common;
using System.Threading.Channels;
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
internal sealed partial class UsageWriter : IAsyncDisposable
{
    private const int BatchSize = 1024;

    private readonly Channel<UsageWork> _queue;
    private readonly IUsageStore _store;
    private readonly ILogger _logger;
    private Task _drain = Task.CompletedTask;
    private long _dropped;
    private long _written;

    public UsageWriter(IUsageStore store, ILogger logger, int capacity = 50_000)
    {
        _store = store;
        _logger = logger;
        _queue = Channel.CreateBounded<UsageWork>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    }

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Usage records written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Start() => _drain = Task.Run(DrainAsync);

    public void Record(UsageRecord usage)
    {
        if (!_queue.Writer.TryWrite(new UsageWork(usage, null)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once everything recorded before the call is in the store.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new UsageWork(null, flushed), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _drain;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task DrainAsync()
    {
        var sums = new Dictionary<(string Subject, DateTimeOffset Day), UsageTotals>();
        var flushes = new List<TaskCompletionSource>();
        var reportedDrops = 0L;
        while (await _queue.Reader.WaitToReadAsync())
        {
            var count = 0;
            while (count < BatchSize && _queue.Reader.TryRead(out var work))
            {
                if (work.Usage is { } usage)
                {
                    count++;
                    var day = BudgetPeriods.DayStart(usage.At);
                    Add(sums, UsageTotals.TenantSubject(usage.Tenant), day, usage);
                    Add(sums, UsageTotals.KeySubject(usage.KeyId), day, usage);
                }
                else
                {
                    flushes.Add(work.Flushed!);
                }
            }

            if (sums.Count > 0)
            {
                await WriteAsync(sums.Values, count);
                sums.Clear();
            }

            foreach (var flushed in flushes)
            {
                flushed.TrySetResult();
            }

            flushes.Clear();
            var dropped = Dropped;
            if (dropped != reportedDrops)
            {
                Log.UsageDropped(_logger, dropped - reportedDrops, dropped);
                reportedDrops = dropped;
            }
        }
    }

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

    private async Task WriteAsync(IReadOnlyCollection<UsageTotals> sums, int records)
    {
        try
        {
            await _store.AddUsageAsync(sums, CancellationToken.None);
            Interlocked.Add(ref _written, records);
        }
        catch (DbException e)
        {
            // The store is the boundary: report the lost batch and go on; the in-memory spend is unaffected.
            Log.WriteFailed(_logger, e, records);
        }
    }

    private readonly record struct UsageWork(UsageRecord? Usage, TaskCompletionSource? Flushed);

    private static partial class Log
    {
        [LoggerMessage(70, LogLevel.Warning, "Usage queue full: {Count} usage records dropped ({Total} since start)")]
        public static partial void UsageDropped(ILogger logger, long count, long total);

        [LoggerMessage(71, LogLevel.Error, "Could not write {Count} usage records to the store")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);
    }
}

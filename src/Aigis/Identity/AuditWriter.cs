using System.Data.Common;
using Aigis.Store;
using Microsoft.Extensions.Logging;

namespace Aigis.Identity;

/// <summary>
/// Writes audit events off the request path, in batches of one transaction each (see <see cref="BackgroundBatchWriter{T}"/>);
/// a flood of refused requests cannot grow the queue past its bound, and a clean shutdown loses nothing.
/// </summary>
internal sealed partial class AuditWriter(IAuditStore store, ILogger logger, int capacity = 10_000)
    : BackgroundBatchWriter<AuditEvent>(capacity, BatchSize)
{
    private const int BatchSize = 256;

    protected override async Task<bool> WriteBatchAsync(IReadOnlyList<AuditEvent> batch)
    {
        try
        {
            await store.AppendAuditAsync(batch, CancellationToken.None);
            return true;
        }
        catch (DbException e)
        {
            // The store is the one boundary here: a failed batch is reported and the writer goes on with the next.
            Log.WriteFailed(logger, e, batch.Count);
            return false;
        }
    }

    protected override void ReportDropped(long count, long total) => Log.EventsDropped(logger, count, total);

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Audit queue full: {Count} audit events dropped ({Total} since start)")]
        public static partial void EventsDropped(ILogger logger, long count, long total);

        [LoggerMessage(61, LogLevel.Error, "Could not write {Count} audit events to the store")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);
    }
}

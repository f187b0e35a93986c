using System.Data.Common;
using System.Threading.Channels;
using Aigis.Store;
using Microsoft.Extensions.Logging;

namespace Aigis.Identity;

/// <summary>
/// Writes audit events off the request path: <see cref="Record"/> only queues the event in a bounded channel,
/// and one background loop drains it into the store in batches (one transaction each).
/// </summary>
/// <remarks>
/// The queue is bounded so that a flood of refused requests (someone guessing keys) costs memory it cannot
/// grow past; when it is full new events are dropped and counted rather than making requests wait for the
/// disk, and the drop is logged. <see cref="StopAsync"/> completes the queue and waits for everything queued
/// before it to be written, so a clean shutdown loses nothing.
/// </remarks>
internal sealed partial class AuditWriter : IAsyncDisposable
{
    private const int BatchSize = 256;

    private readonly Channel<AuditWork> _queue;
    private readonly IAuditStore _store;
    private readonly ILogger _logger;
    private Task _drain = Task.CompletedTask;
    private long _dropped;
    private long _written;

    public AuditWriter(IAuditStore store, ILogger logger, int capacity = 10_000)
    {
        _store = store;
        _logger = logger;
        _queue = Channel.CreateBounded<AuditWork>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Events dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Start() => _drain = Task.Run(DrainAsync);

    /// <summary>Queues <paramref name="auditEvent"/>; never waits.</summary>
    public void Record(AuditEvent auditEvent)
    {
        if (!_queue.Writer.TryWrite(new AuditWork(auditEvent, null)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once every event recorded before the call is in the store (or its write failed).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new AuditWork(null, flushed), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Stopped: StopAsync has written everything already.
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking events and writes all that are queued.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _drain;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task DrainAsync()
    {
        var batch = new List<AuditEvent>(BatchSize);
        var flushes = new List<TaskCompletionSource>();
        var reportedDrops = 0L;
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < BatchSize && _queue.Reader.TryRead(out var work))
            {
                if (work.Event is { } auditEvent)
                {
                    batch.Add(auditEvent);
                }
                else
                {
                    flushes.Add(work.Flushed!);
                }
            }

            if (batch.Count > 0)
            {
                await WriteAsync(batch);
                batch.Clear();
            }

            foreach (var flushed in flushes)
            {
                flushed.TrySetResult();
            }

            flushes.Clear();
            var dropped = Dropped;
            if (dropped != reportedDrops)
            {
                Log.EventsDropped(_logger, dropped - reportedDrops, dropped);
                reportedDrops = dropped;
            }
        }
    }

    private async Task WriteAsync(List<AuditEvent> batch)
    {
        try
        {
            await _store.AppendAuditAsync(batch, CancellationToken.None);
            Interlocked.Add(ref _written, batch.Count);
        }
        catch (DbException e)
        {
            // The store is the one boundary here: a failed batch is reported and the writer goes on with the next.
            Log.WriteFailed(_logger, e, batch.Count);
        }
    }

    private readonly record struct AuditWork(AuditEvent? Event, TaskCompletionSource? Flushed);

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Warning, "Audit queue full: {Count} audit events dropped ({Total} since start)")]
        public static partial void EventsDropped(ILogger logger, long count, long total);

        [LoggerMessage(61, LogLevel.Error, "Could not write {Count} audit events to the store")]
        public static partial void WriteFailed(ILogger logger, Exception exception, int count);
    }
}

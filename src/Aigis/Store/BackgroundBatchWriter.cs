using System.Threading.Channels;

namespace Aigis.Store;

/// <summary>
/// Writes items to the store off the request path: <see cref="Record"/> only queues the item in a bounded channel,
/// and one background loop drains it in batches, each handed to <see cref="WriteBatchAsync"/>.
/// </summary>
/// <remarks>
/// The queue is bounded so that a flood (someone guessing keys, a burst of requests) costs memory it cannot grow
/// past; when it is full new items are dropped and counted rather than making requests wait for the disk.
/// <see cref="StopAsync"/> completes the queue and waits for everything queued before it to be written, so a clean
/// shutdown loses nothing.
/// </remarks>
internal abstract class BackgroundBatchWriter<T> : IAsyncDisposable
    where T : notnull
{
    private readonly Channel<Work> _queue;
    private readonly int _batchSize;
    private Task _drain = Task.CompletedTask;
    private long _dropped;
    private long _written;

    protected BackgroundBatchWriter(int capacity, int batchSize)
    {
        _batchSize = batchSize;
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Items dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Items written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    public void Start() => _drain = Task.Run(DrainAsync);

    /// <summary>Queues <paramref name="item"/>; never waits.</summary>
    public void Record(T item)
    {
        if (!_queue.Writer.TryWrite(new Work(item, null)))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once every item recorded before the call is in the store (or its write failed).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Work(default, flushed), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // Stopped: StopAsync has written everything already.
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking items and writes all that are queued.</summary>
    public Task StopAsync()
    {
        _queue.Writer.TryComplete();
        return _drain;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Writes one batch; returns whether it reached the store (a failure is the writer's to report).</summary>
    protected abstract Task<bool> WriteBatchAsync(IReadOnlyList<T> batch);

    /// <summary>Reports <paramref name="count"/> items dropped since the last report, <paramref name="total"/> since start.</summary>
    protected abstract void ReportDropped(long count, long total);

    private async Task DrainAsync()
    {
        var batch = new List<T>(_batchSize);
        var flushes = new List<TaskCompletionSource>();
        var reportedDrops = 0L;
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _batchSize && _queue.Reader.TryRead(out var work))
            {
                if (work.Flushed is { } flushed)
                {
                    flushes.Add(flushed);
                }
                else
                {
                    batch.Add(work.Item!);
                }
            }

            if (batch.Count > 0)
            {
                if (await WriteBatchAsync(batch))
                {
                    Interlocked.Add(ref _written, batch.Count);
                }

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
                ReportDropped(dropped - reportedDrops, dropped);
                reportedDrops = dropped;
            }
        }
    }

    private readonly record struct Work(T? Item, TaskCompletionSource? Flushed);
}

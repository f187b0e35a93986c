using System.Collections.Concurrent;

namespace Aigis.Proxy;

/// <summary>
/// The gateway's pool of <see cref="UpstreamDeadline"/>s: about as many as requests are ever upstream at once, each
/// with its timer made once through the injected clock. Bounded, so a burst does not leave a large pool behind.
/// </summary>
internal sealed class UpstreamDeadlines(TimeProvider time, Hosting.Shutdown.ShutdownDrain drain) : IDisposable
{
    /// <summary>Most deadlines kept for reuse; past it, returned ones are disposed.</summary>
    public const int MaxPooled = 1024;

    private readonly ConcurrentQueue<UpstreamDeadline> _pool = new();
    private int _pooled;

    public TimeProvider Time { get; } = time;

    public Hosting.Shutdown.ShutdownDrain Drain { get; } = drain;

    /// <summary>Deadlines in the pool now (the tests' view of what is kept).</summary>
    public int Pooled => Volatile.Read(ref _pooled);

    /// <summary>A deadline for one request, disarmed; give it back with <see cref="UpstreamDeadline.Return"/>.</summary>
    public UpstreamDeadline Rent()
    {
        var deadline = _pool.TryDequeue(out var pooled) ? pooled : null;
        if (deadline is not null)
        {
            Interlocked.Decrement(ref _pooled);
        }
        else
        {
            deadline = new UpstreamDeadline(this);
        }

        deadline.Reset();
        return deadline;
    }

    internal void Return(UpstreamDeadline deadline)
    {
        if (Interlocked.Increment(ref _pooled) > MaxPooled)
        {
            Interlocked.Decrement(ref _pooled);
            deadline.Dispose();
            return;
        }

        _pool.Enqueue(deadline);
    }

    public void Dispose()
    {
        while (_pool.TryDequeue(out var deadline))
        {
            deadline.Dispose();
        }
    }
}

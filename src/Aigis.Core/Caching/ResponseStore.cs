using BitFaster.Caching;
using BitFaster.Caching.Lfu;
using BitFaster.Caching.Lru;
using BitFaster.Caching.Scheduler;

namespace Aigis.Core.Caching;

/// <summary>
/// One service's exact cache: answers by key, bounded by bytes, expiring after the TTL on the injected clock.
/// </summary>
/// <remarks>
/// BitFaster's caches bound entries, not bytes. The store keeps the byte count itself (the caches' removal events
/// take an entry's bytes off, whatever removed it) and, after each store, trims the coldest entries by the policy's
/// own order until the bytes fit: W-TinyLFU's for <see cref="CacheEvictionPolicy.Lfu"/>, recency for
/// <see cref="CacheEvictionPolicy.Lru"/>. The entry capacity given to BitFaster (one per 256 bytes of the bound) only
/// binds for answers smaller than that. Expiry is checked on lookup against the injected <see cref="TimeProvider"/>
/// (BitFaster's own expiry reads the machine clock, which tests cannot move); an expired entry nobody asks for again
/// goes as any cold entry does. Maintenance runs on the calling thread (<see cref="ForegroundScheduler"/>), so what is
/// kept does not depend on when a background thread gets to run.
/// </remarks>
public sealed class ResponseStore
{
    private readonly ICache<UInt128, CachedAnswer> _cache;
    private readonly TimeProvider _time;
    private readonly long _ttlTicks;
    private long _bytes;
    private long _evictions;

    public ResponseStore(ResponseCacheOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBytes, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Ttl, TimeSpan.Zero);
        Options = options;
        _time = time;
        _ttlTicks = (long)(options.Ttl.TotalSeconds * time.TimestampFrequency);
        var capacity = (int)Math.Clamp(options.MaxBytes / 256, 16, 1 << 24);
        _cache = options.Policy == CacheEvictionPolicy.Lru
            ? new ConcurrentLruBuilder<UInt128, CachedAnswer>().WithCapacity(capacity).WithMetrics().Build()
            : new ConcurrentLfuBuilder<UInt128, CachedAnswer>().WithCapacity(capacity).WithScheduler(new ForegroundScheduler()).WithEvents().Build();
        var events = _cache.Events.Value!;
        events.ItemRemoved += OnRemoved;
        events.ItemUpdated += OnUpdated;
    }

    public ResponseCacheOptions Options { get; }

    /// <summary>Bytes held now (answers and their bookkeeping).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Entries dropped to make room, since the store was made.</summary>
    public long Evictions => Interlocked.Read(ref _evictions);

    public int Count => _cache.Count;

    /// <summary>The answers held now, expired or not (for diagnostics and tests).</summary>
    public IEnumerable<CachedAnswer> Answers => _cache.Select(static entry => entry.Value);

    /// <summary>The answer stored under <paramref name="key"/>, if one is there and younger than the TTL.</summary>
    public bool TryGet(UInt128 key, out CachedAnswer answer)
    {
        if (!_cache.TryGet(key, out answer!))
        {
            return false;
        }

        if (_time.GetTimestamp() - answer.StoredAt < _ttlTicks)
        {
            return true;
        }

        _cache.TryRemove(new KeyValuePair<UInt128, CachedAnswer>(key, answer));
        answer = null!;
        return false;
    }

    /// <summary>Stores an answer, then evicts until the bound holds. False when the answer alone is over the entry bound.</summary>
    public bool TryAdd(UInt128 key, CachedAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (answer.Bytes > Options.MaxEntryBytes || answer.Bytes > Options.MaxBytes)
        {
            return false;
        }

        if (_cache.TryGet(key, out _))
        {
            // AddOrUpdate raises ItemUpdated, which moves the byte count from the old answer to the new.
            _cache.AddOrUpdate(key, answer);
        }
        else
        {
            Interlocked.Add(ref _bytes, answer.Bytes);
            if (!ReferenceEquals(_cache.GetOrAdd(key, static (_, a) => a, answer), answer))
            {
                // Another request stored the same key first: its answer stands, this one was never counted in.
                Interlocked.Add(ref _bytes, -answer.Bytes);
            }
        }

        Shrink();
        return true;
    }

    /// <summary>Drops the coldest entries, by the policy's order, until the bytes fit the bound.</summary>
    private void Shrink()
    {
        var trimmer = _cache.Policy.Eviction.Value!;
        for (var guard = _cache.Count + 1; Bytes > Options.MaxBytes && guard > 0 && _cache.Count > 0; guard--)
        {
            trimmer.Trim(1);
        }
    }

    private void OnRemoved(object? sender, ItemRemovedEventArgs<UInt128, CachedAnswer> removed)
    {
        Interlocked.Add(ref _bytes, -removed.Value!.Bytes);
        if (removed.Reason is ItemRemovedReason.Evicted or ItemRemovedReason.Trimmed)
        {
            Interlocked.Increment(ref _evictions);
        }
    }

    private void OnUpdated(object? sender, ItemUpdatedEventArgs<UInt128, CachedAnswer> updated) =>
        Interlocked.Add(ref _bytes, updated.NewValue!.Bytes - updated.OldValue!.Bytes);
}

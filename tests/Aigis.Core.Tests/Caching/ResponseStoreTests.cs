using Aigis.Core.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Core.Tests.Caching;

public abstract class ResponseStoreTests(CacheEvictionPolicy policy)
{
    private readonly FakeTimeProvider _time = new();

    private ResponseStore Store(long maxBytes = 64 * 1024, TimeSpan? ttl = null) =>
        new(new ResponseCacheOptions { Enabled = true, MaxBytes = maxBytes, MaxEntryBytes = maxBytes, Ttl = ttl ?? TimeSpan.FromMinutes(1), Policy = policy }, _time);

    private CachedAnswer Answer(int bodyBytes, int chunks = 1) =>
        new(200, "application/json", [.. Enumerable.Range(0, chunks).Select(_ => (ReadOnlyMemory<byte>)new byte[bodyBytes / chunks])], _time.GetTimestamp());

    [Fact]
    public void Serves_an_answer_until_its_ttl_then_forgets_it()
    {
        var store = Store(ttl: TimeSpan.FromSeconds(30));
        var answer = Answer(100);
        Assert.True(store.TryAdd(1, answer));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.True(store.TryGet(1, out var found));
        Assert.Same(answer, found);

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(store.TryGet(1, out _));
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public void Never_holds_more_bytes_than_its_bound()
    {
        var store = Store(maxBytes: 64 * 1024);
        for (var key = 0; key < 200; key++)
        {
            store.TryAdd((UInt128)key, Answer(1000));
            Assert.InRange(store.Bytes, 0, 64 * 1024);
        }

        // 64 KiB of ~1.2 KB entries: the bound, not the entry count, decided how many stayed.
        Assert.InRange(store.Count, 40, 55);
        Assert.Equal(200 - store.Count, store.Evictions);
    }

    [Fact]
    public void Counts_every_byte_of_an_answer_and_its_chunks()
    {
        var store = Store();
        var answer = Answer(1000, chunks: 10);
        store.TryAdd(1, answer);
        Assert.Equal(CachedAnswer.EntryOverhead + 1000 + 10 * CachedAnswer.ChunkOverhead + "application/json".Length * 2, store.Bytes);
        Assert.Equal(store.Bytes, answer.Bytes);
    }

    [Fact]
    public void Replacing_an_answer_counts_only_the_new_one()
    {
        var store = Store();
        store.TryAdd(1, Answer(1000));
        var replacement = Answer(3000);
        store.TryAdd(1, replacement);
        Assert.Equal(replacement.Bytes, store.Bytes);
        Assert.True(store.TryGet(1, out var found));
        Assert.Same(replacement, found);
    }

    [Fact]
    public void An_answer_over_the_entry_bound_is_not_stored()
    {
        var store = new ResponseStore(new ResponseCacheOptions { Enabled = true, MaxBytes = 64 * 1024, MaxEntryBytes = 2048, Policy = policy }, _time);
        Assert.False(store.TryAdd(1, Answer(4096)));
        Assert.False(store.TryGet(1, out _));
        Assert.Equal(0, store.Bytes);
    }

    [Fact]
    public void A_hot_answer_survives_a_stream_of_one_off_answers()
    {
        var store = Store(maxBytes: 64 * 1024);
        store.TryAdd(0, Answer(1000));
        for (var key = 1; key < 500; key++)
        {
            // Read before each new entry: the hot answer is both the most recent and the most frequent.
            Assert.True(store.TryGet(0, out _), $"evicted after {key} one-off answers");
            store.TryAdd((UInt128)key, Answer(1000));
        }
    }
}

public sealed class LfuResponseStoreTests() : ResponseStoreTests(CacheEvictionPolicy.Lfu);

public sealed class LruResponseStoreTests() : ResponseStoreTests(CacheEvictionPolicy.Lru);

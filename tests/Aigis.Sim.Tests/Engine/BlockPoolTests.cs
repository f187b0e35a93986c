using Aigis.Sim.Engine.KvCache;

namespace Aigis.Sim.Tests.Engine;

public sealed class BlockPoolTests
{
    [Fact]
    public void Eviction_takes_unreferenced_blocks_least_recently_used_first_and_never_a_referenced_one()
    {
        var pool = new BlockPool(3);
        var a = new List<int> { pool.AllocateFresh() };
        var b = new List<int> { pool.AllocateFresh() };
        var held = new List<int> { pool.AllocateFresh() };
        pool.Register(a[0], 100);
        pool.Register(b[0], 200);
        pool.Register(held[0], 300);
        pool.Release(a);
        pool.Release(b);

        // a was freed before b, so it goes first; the held block is never a candidate.
        var first = pool.AllocateFresh();
        Assert.Equal(0, pool.CountCachedPrefix([100]));
        Assert.Equal(1, pool.CountCachedPrefix([200]));
        Assert.Equal(1, pool.CountCachedPrefix([300]));
        var second = pool.AllocateFresh();
        Assert.Equal(0, pool.CountCachedPrefix([200]));
        Assert.Equal(-1, pool.AllocateFresh());
        Assert.NotEqual(first, second);
        Assert.Equal(1, pool.CountCachedPrefix([300]));
    }

    [Fact]
    public void A_cache_hit_on_a_free_block_takes_it_out_of_the_free_queue()
    {
        var pool = new BlockPool(2);
        var blocks = new List<int> { pool.AllocateFresh() };
        pool.Register(blocks[0], 7);
        pool.Release(blocks);
        Assert.Equal(2, pool.FreeBlocks);

        var reused = pool.AcquireCached(7);

        Assert.Equal(1, pool.FreeBlocks);
        var other = pool.AllocateFresh();
        Assert.NotEqual(reused, other);
        Assert.Equal(-1, pool.AllocateFresh());
        Assert.Equal(1, pool.CountCachedPrefix([7]));
    }

    [Fact]
    public void Shared_blocks_are_freed_only_when_the_last_reference_goes()
    {
        var pool = new BlockPool(1);
        var first = new List<int> { pool.AllocateFresh() };
        pool.Register(first[0], 9);
        var second = new List<int> { pool.AcquireCached(9) };

        pool.Release(first);
        Assert.Equal(0, pool.FreeBlocks);
        pool.Release(second);
        Assert.Equal(1, pool.FreeBlocks);
    }

    [Fact]
    public void Prefix_count_stops_at_the_first_miss()
    {
        var pool = new BlockPool(4);
        var blocks = new List<int>();
        foreach (var hash in new ulong[] { 1, 2, 4 })
        {
            var block = pool.AllocateFresh();
            blocks.Add(block);
            pool.Register(block, hash);
        }

        Assert.Equal(2, pool.CountCachedPrefix([1, 2, 3, 4]));
        Assert.Equal(0, pool.CountCachedPrefix([3, 1]));
    }

    [Fact]
    public void Hash_chains_share_exactly_the_common_full_blocks()
    {
        var shared = Enumerable.Range(0, 40).ToArray();
        var a = PrefixHashes.Compute([.. shared, 1, 2, 3], 16);
        var b = PrefixHashes.Compute([.. shared, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9], 16);

        Assert.Equal(2, a.Length);
        Assert.Equal(3, b.Length);
        Assert.Equal(a[0], b[0]);
        Assert.Equal(a[1], b[1]);
        Assert.NotEqual(PrefixHashes.Compute([5, .. shared[1..]], 16)[1], a[1]);
    }

    [Fact]
    public void A_chain_continued_piece_by_piece_equals_the_chain_of_the_whole()
    {
        var tokens = Enumerable.Range(1_000, 100).ToArray();
        var whole = PrefixHashes.Compute(tokens, 16);
        var pieces = new ulong[whole.Length];

        PrefixHashes.Continue(PrefixHashes.ChainStart, tokens.AsSpan(0, 32), 16, pieces);
        PrefixHashes.Continue(pieces[1], tokens.AsSpan(32), 16, pieces.AsSpan(2));

        Assert.Equal(whole, pieces);
    }
}

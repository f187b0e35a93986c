namespace Aigis.Sim.Engine.KvCache;

/// <summary>
/// The KV cache: a fixed number of blocks, reference-counted, with prefix caching. A full block of prompt tokens
/// is registered under the hash of its token chain, so a later request whose prompt starts the same way reuses it.
/// Unreferenced blocks wait in a free queue in least-recently-used order; allocation takes the head, evicting
/// whatever cached content it held.
/// </summary>
/// <remarks>
/// Arrays and an intrusive doubly-linked list keep every operation O(1) without allocation, which the routing
/// benchmark needs (hundreds of thousands of requests in seconds). This follows vLLM's v1 block pool.
/// </remarks>
internal sealed class BlockPool
{
    private const int None = -1;
    private readonly int[] _refCount;
    private readonly ulong[] _hash;
    private readonly bool[] _isCached;
    private readonly int[] _previous;
    private readonly int[] _next;
    private readonly Dictionary<ulong, int> _cachedBlocks = [];
    private int _head = None;
    private int _tail = None;

    public BlockPool(int totalBlocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalBlocks);
        TotalBlocks = totalBlocks;
        _refCount = new int[totalBlocks];
        _hash = new ulong[totalBlocks];
        _isCached = new bool[totalBlocks];
        _previous = new int[totalBlocks];
        _next = new int[totalBlocks];
        for (var block = 0; block < totalBlocks; block++)
        {
            Append(block);
        }

        FreeBlocks = totalBlocks;
    }

    public int TotalBlocks { get; }

    /// <summary>Blocks no request references (empty, or holding evictable cached content).</summary>
    public int FreeBlocks { get; private set; }

    public int UsedBlocks => TotalBlocks - FreeBlocks;

    /// <summary>Blocks holding reusable prefix content, referenced or not.</summary>
    public int CachedBlocks => _cachedBlocks.Count;

    /// <summary>How many leading blocks of <paramref name="chain"/> are cached, without touching them.</summary>
    public int CountCachedPrefix(ReadOnlySpan<ulong> chain)
    {
        var count = 0;
        while (count < chain.Length && _cachedBlocks.ContainsKey(chain[count]))
        {
            count++;
        }

        return count;
    }

    /// <summary>How many of the first <paramref name="count"/> blocks of <paramref name="chain"/> are cached but unreferenced (so taking them uses up free blocks).</summary>
    public int CountFreeAmongCached(ReadOnlySpan<ulong> chain, int count)
    {
        var free = 0;
        for (var i = 0; i < count; i++)
        {
            if (_refCount[_cachedBlocks[chain[i]]] == 0)
            {
                free++;
            }
        }

        return free;
    }

    /// <summary>Takes a reference on the cached block for <paramref name="hash"/>, which must be cached.</summary>
    public int AcquireCached(ulong hash)
    {
        var block = _cachedBlocks[hash];
        if (_refCount[block]++ == 0)
        {
            Unlink(block);
            FreeBlocks--;
        }

        return block;
    }

    /// <summary>Takes the least recently used free block, evicting its cached content; -1 when none is free.</summary>
    public int AllocateFresh()
    {
        if (_head == None)
        {
            return None;
        }

        var block = _head;
        Unlink(block);
        FreeBlocks--;
        if (_isCached[block])
        {
            _cachedBlocks.Remove(_hash[block]);
            _isCached[block] = false;
        }

        _refCount[block] = 1;
        return block;
    }

    /// <summary>
    /// Drops one reference on each block. Blocks are queued from the last to the first, so a request's tail
    /// (least likely to be shared) is evicted before its prefix.
    /// </summary>
    public void Release(List<int> blocks)
    {
        for (var i = blocks.Count - 1; i >= 0; i--)
        {
            var block = blocks[i];
            if (--_refCount[block] == 0)
            {
                Append(block);
                FreeBlocks++;
            }
        }

        blocks.Clear();
    }

    /// <summary>Registers a full block's content for reuse. A hash already cached elsewhere is left as it is.</summary>
    public void Register(int block, ulong hash)
    {
        if (_isCached[block] || !_cachedBlocks.TryAdd(hash, block))
        {
            return;
        }

        _hash[block] = hash;
        _isCached[block] = true;
    }

    private void Append(int block)
    {
        _previous[block] = _tail;
        _next[block] = None;
        if (_tail == None)
        {
            _head = block;
        }
        else
        {
            _next[_tail] = block;
        }

        _tail = block;
    }

    private void Unlink(int block)
    {
        var previous = _previous[block];
        var next = _next[block];
        if (previous == None)
        {
            _head = next;
        }
        else
        {
            _next[previous] = next;
        }

        if (next == None)
        {
            _tail = previous;
        }
        else
        {
            _previous[next] = previous;
        }

        _previous[block] = None;
        _next[block] = None;
    }
}

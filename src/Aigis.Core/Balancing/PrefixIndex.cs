using System.Numerics;
using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// An approximate, bounded index of which instances recently served which prompt prefix blocks.
/// </summary>
/// <remarks>
/// A set-associative table, like a CPU cache: a block hash maps to a set of <see cref="Ways"/> slots; a full set
/// evicts its least recently used slot. Each slot remembers up to <see cref="InstancesPerBlock"/> instances, most
/// recent first. Memory is fixed at construction and nothing allocates afterwards. Concurrent callers are not
/// locked out: a race can at worst leave a wrong hint (an instance that does not hold the block), which costs one
/// cache miss on the upstream, never a wrong answer; the arrays never change size.
/// </remarks>
internal sealed class PrefixIndex
{
    public const int Ways = 8;
    public const int InstancesPerBlock = 4;

    private readonly ulong[] _keys;
    private readonly long[] _lastUsed;
    private readonly UpstreamInstance?[] _instances;
    private readonly int _setMask;
    private long _clock;

    public PrefixIndex(int capacity)
    {
        var sets = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(capacity / Ways, 1));
        _setMask = sets - 1;
        _keys = new ulong[sets * Ways];
        _lastUsed = new long[sets * Ways];
        _instances = new UpstreamInstance?[sets * Ways * InstancesPerBlock];
    }

    /// <summary>
    /// How many leading blocks of <paramref name="blocks"/> each instance is believed to hold: an instance recorded for
    /// block j was sent the whole prefix up to j, so it is credited with its deepest recorded block, even where it
    /// has dropped out of an earlier block's short holder list (a popular first block sees every instance come and
    /// go). Writes up to <paramref name="matches"/>.Length (instance, blocks) pairs and returns how many it wrote.
    /// </summary>
    public int Match(ReadOnlySpan<ulong> blocks, Span<(UpstreamInstance Instance, int Blocks)> matches)
    {
        var count = 0;
        for (var j = 0; j < blocks.Length; j++)
        {
            var slot = Find(blocks[j]);
            if (slot < 0)
            {
                // Chains are prefixes: a block nobody was sent means no deeper block was sent either.
                break;
            }

            _lastUsed[slot] = Interlocked.Increment(ref _clock);
            foreach (var holder in _instances.AsSpan(slot * InstancesPerBlock, InstancesPerBlock))
            {
                if (holder is null)
                {
                    continue;
                }

                var known = false;
                for (var m = 0; m < count; m++)
                {
                    if (ReferenceEquals(matches[m].Instance, holder))
                    {
                        matches[m].Blocks = j + 1;
                        known = true;
                        break;
                    }
                }

                if (!known && count < matches.Length)
                {
                    matches[count++] = (holder, j + 1);
                }
            }
        }

        return count;
    }

    /// <summary>Records that <paramref name="instance"/> now holds every block of <paramref name="blocks"/>.</summary>
    public void Record(ReadOnlySpan<ulong> blocks, UpstreamInstance instance)
    {
        foreach (var block in blocks)
        {
            var slot = Find(block);
            if (slot < 0)
            {
                slot = Claim(block);
            }

            _lastUsed[slot] = Interlocked.Increment(ref _clock);
            MoveToFront(_instances.AsSpan(slot * InstancesPerBlock, InstancesPerBlock), instance);
        }
    }

    private int Find(ulong key)
    {
        var set = (int)(key & (ulong)_setMask) * Ways;
        for (var way = 0; way < Ways; way++)
        {
            if (_keys[set + way] == key && _lastUsed[set + way] != 0)
            {
                return set + way;
            }
        }

        return -1;
    }

    private int Claim(ulong key)
    {
        var set = (int)(key & (ulong)_setMask) * Ways;
        var victim = set;
        for (var way = 1; way < Ways; way++)
        {
            if (_lastUsed[set + way] < _lastUsed[victim])
            {
                victim = set + way;
            }
        }

        _keys[victim] = key;
        _instances.AsSpan(victim * InstancesPerBlock, InstancesPerBlock).Clear();
        return victim;
    }

    private static void MoveToFront(Span<UpstreamInstance?> holders, UpstreamInstance instance)
    {
        var at = holders.IndexOf(instance);
        var last = at >= 0 ? at : holders.Length - 1;
        for (var i = last; i > 0; i--)
        {
            holders[i] = holders[i - 1];
        }

        holders[0] = instance;
    }
}

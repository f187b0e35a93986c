using System.Buffers;
using Aigis.Bench.Routing.Workloads;
using Aigis.Sim.Engine.KvCache;

namespace Aigis.Bench.Routing.Prompts;

/// <summary>
/// The engine's block hash chains of a workload's prompts, computed once per distinct leading run of segments.
/// </summary>
/// <remarks>
/// Prompts form a tree: a node is a sequence of leading segments, its children the segments that follow it in
/// some prompt. Each node keeps only the hashes of the blocks that end inside its own segment, the last hash of
/// the chain so far, and the tokens of the unfinished block that spills into the next segment. A long system
/// prompt shared by thousands of requests, or a session's growing history, is therefore hashed once; a request's
/// full chain is assembled by copying its path's pieces. Memory is one hash per distinct block.
/// Not thread-safe while adding; reading (<see cref="CopyChain"/>) is safe once every prompt was added.
/// </remarks>
internal sealed class PromptChains
{
    private const int Root = 0;
    private readonly int _blockSize;
    private readonly Dictionary<(int Parent, string Id, int Tokens), int> _children = [];
    private readonly List<Node> _nodes = [];

    public PromptChains(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        _blockSize = blockSize;
        _nodes.Add(new Node(Parent: -1, FirstBlock: 0, Hashes: [], LastHash: PrefixHashes.ChainStart, Spill: []));
    }

    public int BlockSize => _blockSize;

    /// <summary>Distinct (leading segments) nodes, the root included.</summary>
    public int NodeCount => _nodes.Count;

    /// <summary>Distinct full blocks over every prompt added: what a cache holding everything would have computed.</summary>
    public long DistinctBlocks { get; private set; }

    /// <summary>Adds a prompt (hashing whatever part of it is new) and returns its node, to pass to <see cref="CopyChain"/>.</summary>
    public int Add(ReadOnlySpan<PromptSegment> prompt)
    {
        var node = Root;
        foreach (var segment in prompt)
        {
            var key = (node, segment.Id, segment.Tokens);
            if (!_children.TryGetValue(key, out var child))
            {
                child = _nodes.Count;
                _nodes.Add(Extend(_nodes[node], node, segment));
                _children.Add(key, child);
            }

            node = child;
        }

        return node;
    }

    /// <summary>Number of full blocks of the prompt ending at <paramref name="node"/>.</summary>
    public int BlockCount(int node)
    {
        var n = _nodes[node];
        return n.FirstBlock + n.Hashes.Length;
    }

    /// <summary>The prompt's whole hash chain, as <see cref="PrefixHashes.Compute"/> would give for its tokens.</summary>
    public ulong[] Chain(int node)
    {
        var chain = new ulong[BlockCount(node)];
        CopyChain(node, chain);
        return chain;
    }

    public void CopyChain(int node, Span<ulong> destination)
    {
        for (var at = node; at != Root; at = _nodes[at].Parent)
        {
            var n = _nodes[at];
            n.Hashes.CopyTo(destination[n.FirstBlock..]);
        }
    }

    private Node Extend(Node parent, int parentIndex, PromptSegment segment)
    {
        var total = parent.Spill.Length + segment.Tokens;
        var buffer = ArrayPool<int>.Shared.Rent(total);
        try
        {
            var tokens = buffer.AsSpan(0, total);
            parent.Spill.CopyTo(tokens);
            SegmentTokens.Fill(SegmentTokens.Seed(segment.Id), 0, tokens[parent.Spill.Length..]);
            var blocks = total / _blockSize;
            var hashes = blocks == 0 ? [] : new ulong[blocks];
            PrefixHashes.Continue(parent.LastHash, tokens, _blockSize, hashes);
            DistinctBlocks += blocks;
            return new Node(
                Parent: parentIndex,
                FirstBlock: parent.FirstBlock + parent.Hashes.Length,
                Hashes: hashes,
                LastHash: blocks == 0 ? parent.LastHash : hashes[^1],
                Spill: tokens[(blocks * _blockSize)..].ToArray());
        }
        finally
        {
            ArrayPool<int>.Shared.Return(buffer);
        }
    }

    /// <param name="Parent">The node of the leading segments before this one.</param>
    /// <param name="FirstBlock">Index in the chain of the first block that ends inside this segment.</param>
    /// <param name="Hashes">Hashes of the blocks that end inside this segment.</param>
    /// <param name="LastHash">The chain's last full-block hash at the end of this segment.</param>
    /// <param name="Spill">Tokens after the last full block: the start of the next segment's first block.</param>
    private readonly record struct Node(int Parent, int FirstBlock, ulong[] Hashes, ulong LastHash, int[] Spill);
}

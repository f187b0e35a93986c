using System.Buffers;
using System.Text.Json;

namespace Aigis.Core.Balancing;

/// <summary>
/// The gateway's view of a prompt's prefix: a hash chain over fixed-size blocks of the prompt's text, read from an
/// OpenAI request body (chat <c>messages</c>, completion <c>prompt</c>, embedding <c>input</c>) in one forward pass.
/// </summary>
/// <remarks>
/// Blocks are <see cref="BlockBytes"/> bytes of UTF-8 text, not tokens. Running a tokenizer on the hot path would
/// cost microseconds per kilobyte, and would only be exact with each model's own tokenizer, which the gateway cannot
/// know for every model. Equal leading text gives equal leading blocks whichever way it is tokenized, which is all
/// prefix affinity needs: the index asks "which instance was sent this same beginning", not "which KV blocks".
/// 128 bytes is about 32 tokens of English; the first <see cref="MaxBlocks"/> blocks (32 KiB, about 8k tokens) are
/// hashed, enough to tell system prompts and conversation histories apart.
/// </remarks>
public static class PromptPrefixBlocks
{
    public const int BlockBytes = 128;
    public const int MaxBlocks = 256;

    /// <summary>Hashes the body's prompt into <paramref name="blocks"/>; returns how many blocks were written (0 when there is no prompt).</summary>
    public static int Compute(ReadOnlySpan<byte> body, Span<ulong> blocks)
    {
        var chain = new Chain(blocks);
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return 0;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName && !chain.IsFull)
            {
                var isPrompt = reader.ValueTextEquals("messages"u8) || reader.ValueTextEquals("prompt"u8) || reader.ValueTextEquals("input"u8);
                reader.Read();
                if (isPrompt)
                {
                    AppendStrings(ref reader, ref chain);
                }
                else
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // The body was validated before routing; anything odd here only means less affinity, never an error.
        }

        return chain.Count;
    }

    /// <summary>Appends every string under the current value (roles, contents, texts), in document order, each followed by a newline.</summary>
    private static void AppendStrings(ref Utf8JsonReader reader, ref Chain chain)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            AppendString(ref reader, ref chain);
            chain.Append((byte)'\n');
            return;
        }

        if (reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray))
        {
            return;
        }

        // Tokens inside sit deeper than the opening one; the matching end token is back at its depth.
        var depth = reader.CurrentDepth;
        while (!chain.IsFull && reader.Read() && reader.CurrentDepth > depth)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                AppendString(ref reader, ref chain);
                chain.Append((byte)'\n');
            }
        }
    }

    private static void AppendString(ref Utf8JsonReader reader, ref Chain chain)
    {
        if (!reader.ValueIsEscaped)
        {
            chain.Append(reader.ValueSpan);
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(reader.ValueSpan.Length);
        try
        {
            var written = reader.CopyString(rented);
            chain.Append(rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private ref struct Chain(Span<ulong> blocks)
    {
        private readonly Span<ulong> _blocks = blocks;
        private ulong _hash = StableHash.FnvOffset;
        private int _filled;

        public int Count { get; private set; }

        public readonly bool IsFull => Count >= _blocks.Length;

        public void Append(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                Append(b);
            }
        }

        public void Append(byte value)
        {
            if (IsFull)
            {
                return;
            }

            _hash = StableHash.FnvStep(_hash, value);
            if (++_filled == BlockBytes)
            {
                // The chain carries on from this block's hash: block i stands for all text up to its end.
                _blocks[Count] = StableHash.Mix(_hash, (ulong)Count);
                Count++;
                _filled = 0;
            }
        }
    }
}

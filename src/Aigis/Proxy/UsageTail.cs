using System.Buffers;
using System.Buffers.Text;
using Aigis.Pipeline;

namespace Aigis.Proxy;

/// <summary>
/// Keeps the last bytes of an OpenAI-compatible response body and reads the token counts from its <c>usage</c>
/// object when the body ends. Both shapes end with it: a JSON answer has <c>usage</c> as its last member, and a
/// stream sent with <c>stream_options.include_usage</c> carries it in its last chunk before <c>[DONE]</c>. Only
/// the tail is kept (not the body), so a long stream costs one pooled buffer.
/// </summary>
internal sealed class UsageTail(RequestRecord record)
{
    private const int Capacity = 2048;
    private static ReadOnlySpan<byte> PromptTokens => "\"prompt_tokens\""u8;
    private static ReadOnlySpan<byte> CompletionTokens => "\"completion_tokens\""u8;

    private byte[]? _buffer = ArrayPool<byte>.Shared.Rent(Capacity);
    private int _length;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (_buffer is not { } buffer)
        {
            return;
        }

        if (chunk.Length >= Capacity)
        {
            chunk[^Capacity..].CopyTo(buffer);
            _length = Capacity;
            return;
        }

        var keep = Math.Min(_length, Capacity - chunk.Length);
        if (keep < _length)
        {
            buffer.AsSpan(_length - keep, keep).CopyTo(buffer);
        }

        chunk.CopyTo(buffer.AsSpan(keep));
        _length = keep + chunk.Length;
    }

    /// <summary>The body ended (or was abandoned): read what the tail says, once, and give the buffer back.</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _buffer, null) is not { } buffer)
        {
            return;
        }

        var tail = buffer.AsSpan(0, _length);
        if (record.PromptTokens < 0 && TryReadCount(tail, PromptTokens, out var prompt))
        {
            record.PromptTokens = prompt;
        }

        if (record.CompletionTokens < 0 && TryReadCount(tail, CompletionTokens, out var completion))
        {
            record.CompletionTokens = completion;
        }

        ArrayPool<byte>.Shared.Return(buffer);
    }

    /// <summary>The number after the last <paramref name="name"/> in <paramref name="tail"/> (<c>"name": 12</c>).</summary>
    internal static bool TryReadCount(ReadOnlySpan<byte> tail, ReadOnlySpan<byte> name, out int count)
    {
        count = 0;
        var at = tail.LastIndexOf(name);
        if (at < 0)
        {
            return false;
        }

        var rest = tail[(at + name.Length)..].TrimStart(" \t\r\n"u8);
        if (rest.IsEmpty || rest[0] != (byte)':')
        {
            return false;
        }

        rest = rest[1..].TrimStart(" \t\r\n"u8);
        return Utf8Parser.TryParse(rest, out count, out var consumed) && consumed > 0 && count >= 0;
    }
}

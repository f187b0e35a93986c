using System.Buffers;

namespace Aigis.Core.Tokens;

/// <summary>Receives the data of each complete server-sent event.</summary>
public interface ISseEventSink
{
    /// <summary>The event's data: its <c>data:</c> lines joined with <c>\n</c>.</summary>
    void OnEvent(ReadOnlySpan<byte> data);
}

/// <summary>
/// An incremental parser of <c>text/event-stream</c> (the WHATWG rules): bytes arrive in whatever chunks the
/// network gives, and an event, a line, or a <c>\r\n</c> pair may be split across any of them. Lines end with
/// <c>\n</c>, <c>\r\n</c> or <c>\r</c>; a blank line ends an event; <c>data:</c> lines accumulate (one optional
/// space after the colon is dropped); comments (<c>:</c>) and other fields are ignored.
/// </summary>
/// <remarks>Only a partial line and the current event's data are held, each bounded: a stream that never ends a line stops being parsed rather than growing memory.</remarks>
public sealed class SseParser(ISseEventSink handler, int maxEventBytes = 1 << 20) : IDisposable
{
    private byte[] _line = ArrayPool<byte>.Shared.Rent(256);
    private int _lineLength;
    private byte[] _data = ArrayPool<byte>.Shared.Rent(256);
    private int _dataLength;
    private bool _hasData;
    private bool _afterCarriageReturn;

    /// <summary>True once an event or line passed the bound; nothing more is parsed.</summary>
    public bool Overflowed { get; private set; }

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        foreach (var b in chunk)
        {
            if (Overflowed)
            {
                return;
            }

            if (b == (byte)'\n' && _afterCarriageReturn)
            {
                // The \n of a \r\n whose \r ended the line already (perhaps in the previous chunk).
                _afterCarriageReturn = false;
                continue;
            }

            _afterCarriageReturn = b == (byte)'\r';
            if (b is (byte)'\n' or (byte)'\r')
            {
                EndLine();
            }
            else
            {
                Append(ref _line, ref _lineLength, b);
            }
        }
    }

    /// <summary>The stream ended: an event without its closing blank line is not dispatched (as the spec says).</summary>
    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_line);
        ArrayPool<byte>.Shared.Return(_data);
        _line = _data = [];
    }

    private void EndLine()
    {
        var line = _line.AsSpan(0, _lineLength);
        _lineLength = 0;
        if (line.IsEmpty)
        {
            if (_hasData)
            {
                handler.OnEvent(_data.AsSpan(0, _dataLength));
            }

            _dataLength = 0;
            _hasData = false;
            return;
        }

        var colon = line.IndexOf((byte)':');
        var field = colon < 0 ? line : line[..colon];
        if (!field.SequenceEqual("data"u8))
        {
            return;
        }

        var value = colon < 0 ? [] : line[(colon + 1)..];
        if (!value.IsEmpty && value[0] == (byte)' ')
        {
            value = value[1..];
        }

        if (_hasData)
        {
            Append(ref _data, ref _dataLength, (byte)'\n');
        }

        foreach (var b in value)
        {
            Append(ref _data, ref _dataLength, b);
        }

        _hasData = true;
    }

    private void Append(ref byte[] buffer, ref int length, byte b)
    {
        if (length == buffer.Length)
        {
            if (length >= maxEventBytes)
            {
                Overflowed = true;
                return;
            }

            var bigger = ArrayPool<byte>.Shared.Rent(length * 2);
            buffer.AsSpan(0, length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }

        buffer[length++] = b;
    }
}

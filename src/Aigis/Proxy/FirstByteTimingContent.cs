using System.Net;

namespace Aigis.Proxy;

/// <summary>
/// Wraps an upstream response body to note when its first bytes arrive. For a streamed answer the headers come at
/// once (a queued request is visibly accepted), so the time to the first body byte, not to the headers, is what
/// tells a fast instance from a slow one: for an LLM, the time to the first token.
/// </summary>
internal sealed class FirstByteTimingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly Action _onFirstByte;
    private readonly UsageTail? _usage;
    private int _signalled;

    /// <param name="inner">The upstream's body.</param>
    /// <param name="onFirstByte">Called once, when the first body bytes arrive.</param>
    /// <param name="usage">Reads token counts from the end of a model answer; null for other services.</param>
    public FirstByteTimingContent(HttpContent inner, Action onFirstByte, UsageTail? usage = null)
    {
        _inner = inner;
        _onFirstByte = onFirstByte;
        _usage = usage;

        // The forwarder may still read content headers (the media type decides how a stream is flushed).
        foreach (var (name, values) in _inner.Headers)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new FirstByteStream(await _inner.ReadAsStreamAsync(cancellationToken), this);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => _inner.CopyToAsync(stream, context);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _usage?.Complete();
        }

        base.Dispose(disposing);
    }

    private void OnBytes()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _onFirstByte();
        }
    }

    private sealed class FirstByteStream(Stream inner, FirstByteTimingContent owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            if (read > 0)
            {
                owner.OnBytes();
                owner._usage?.Append(buffer.Span[..read]);
            }
            else if (buffer.Length > 0)
            {
                // The end of the body (a zero-byte read is YARP waiting for data, not the end).
                owner._usage?.Complete();
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            if (read > 0)
            {
                owner.OnBytes();
                owner._usage?.Append(buffer.AsSpan(offset, read));
            }
            else if (count > 0)
            {
                owner._usage?.Complete();
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

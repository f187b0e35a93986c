using Microsoft.AspNetCore.Http;

namespace Aigis.Proxy;

/// <summary>
/// A request body that can be sent again. A model request's body is buffered, so every attempt gets a fresh stream
/// over it (and a fallback a copy with its <c>model</c> rewritten); a <c>/svc/</c> body streams from the client,
/// so it can be resent only while nothing of it has been read.
/// </summary>
internal sealed class ReplayableBody
{
    private readonly Stream? _streamed;
    private ReadTrackingStream? _tracking;
    private ReadOnlyMemory<byte> _buffered;

    private ReplayableBody(ReadOnlyMemory<byte> buffered, Stream? streamed)
    {
        _buffered = buffered;
        _streamed = streamed;
    }

    public static ReplayableBody Buffered(ReadOnlyMemory<byte> body) => new(body, null);

    public static ReplayableBody Streamed(Stream body) => new(default, body);

    public bool IsBuffered => _streamed is null;

    public ReadOnlyMemory<byte> Bytes => _buffered;

    /// <summary>False once an attempt read any of a streamed body.</summary>
    public bool CanReplay => _streamed is null || _tracking is null || !_tracking.Started;

    /// <summary>Replaces the buffered bytes (a fallback's rewritten <c>model</c>).</summary>
    public void Replace(ReadOnlyMemory<byte> body) => _buffered = body;

    /// <summary>Puts a fresh copy of the body on the request for the next attempt.</summary>
    public void Attach(HttpContext context)
    {
        if (_streamed is null)
        {
            context.Request.Body = new ReadOnlyMemoryStream(_buffered);
            context.Request.ContentLength = _buffered.Length;
            return;
        }

        _tracking ??= new ReadTrackingStream(_streamed);
        context.Request.Body = _tracking;
    }

    /// <summary>A read-only stream over memory, so a rewritten body needs no second copy.</summary>
    private sealed class ReadOnlyMemoryStream(ReadOnlyMemory<byte> memory) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => memory.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(buffer.Length, memory.Length - _position);
            memory.Span.Slice(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer.AsSpan(offset, count)));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Passes a client's body through and notes whether any of it was read.</summary>
    private sealed class ReadTrackingStream(Stream inner) : Stream
    {
        public bool Started { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            Started = true;
            return inner.Read(buffer, offset, count);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Started = true;
            return inner.ReadAsync(buffer, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using Aigis.Core.Caching;
using Microsoft.AspNetCore.Http;

namespace Aigis.Caching;

/// <summary>
/// Sits in front of the leader's response body: every chunk the proxy writes to the client is also appended to the
/// <see cref="ResponseRecording"/>, in the same write, so the answer is stored and shared exactly as the client got
/// it, chunk for chunk, without a second read of the upstream.
/// </summary>
/// <remarks>
/// The chunk is recorded before it is written to the client: followers must not lag the leader, and a leader whose
/// client is gone abandons the recording anyway. The head (status, content type) is taken at the first write, when
/// the proxy has set them for good.
/// </remarks>
internal sealed class RecordingResponseStream(HttpResponse response, Stream inner, ResponseRecording recording) : Stream
{
    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Record(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Record(buffer.AsSpan(offset, count));
        return inner.WriteAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Record(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    private void Record(ReadOnlySpan<byte> chunk)
    {
        recording.SetHead(response.StatusCode, response.ContentType);
        recording.Append(chunk);
    }
}

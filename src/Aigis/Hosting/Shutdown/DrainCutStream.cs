namespace Aigis.Hosting.Shutdown;

/// <summary>
/// Reads an upstream body until the drain's cut, then fails the read with <see cref="ShutdownCutException"/>. The
/// response guard (<see cref="Proxy.GuardedResponseContent"/>) ends an event stream with a <c>shutting_down</c> error
/// event and no <c>[DONE]</c>, and lets any other body fail so the client connection is aborted rather than ended as
/// if the body were whole.
/// </summary>
internal sealed class DrainCutStream(Stream inner, ShutdownDrain drain) : Stream
{
    private CancellationTokenSource? _linked;
    private CancellationToken _linkedFor;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (drain.IsCut)
        {
            throw new ShutdownCutException();
        }

        // One linked source per stream, not per read: the guard reads with the same token until a deadline changes it.
        if (_linked is null || _linkedFor != cancellationToken)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain.Cut);
            _linkedFor = cancellationToken;
        }

        try
        {
            return await inner.ReadAsync(buffer, _linked.Token);
        }
        catch (OperationCanceledException) when (drain.IsCut && !cancellationToken.IsCancellationRequested)
        {
            throw new ShutdownCutException();
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

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
            _linked?.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>An upstream read ended by the shutdown drain's cut, not by the upstream.</summary>
internal sealed class ShutdownCutException() : IOException("The gateway is shutting down; the answer was cut before it finished.");

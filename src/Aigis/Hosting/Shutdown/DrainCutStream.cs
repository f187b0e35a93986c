namespace Aigis.Hosting.Shutdown;

/// <summary>
/// Reads an upstream body until the drain's cut. Then a server-sent event stream yields one OpenAI-shaped error
/// event (after a blank line if the upstream stopped mid-event, so the error is an event of its own) and ends; any
/// other body throws, so the forwarder aborts the client connection instead of ending a truncated body cleanly.
/// </summary>
internal sealed class DrainCutStream(Stream inner, ShutdownDrain drain, bool isEventStream) : Stream
{
    /// <summary>OpenAI's streaming error shape: a <c>data:</c> event holding <c>{"error":{...}}</c>.</summary>
    public static ReadOnlySpan<byte> ErrorEvent =>
        "data: {\"error\":{\"message\":\"The gateway is shutting down and cut this answer before it finished; retry the request.\",\"type\":\"server_error\",\"param\":null,\"code\":\"shutting_down\"}}\n\n"u8;

    private CancellationTokenSource? _linked;
    private CancellationToken _linkedFor;
    private byte[]? _pending;
    private int _pendingOffset;
    private bool _ended;
    private byte _last;
    private byte _beforeLast;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending is not null)
        {
            return TakePending(buffer.Span);
        }

        if (_ended)
        {
            return 0;
        }

        // One linked source per stream, not per read: the forwarder reads with the same token throughout.
        if (_linked is null || _linkedFor != cancellationToken)
        {
            _linked?.Dispose();
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, drain.Cut);
            _linkedFor = cancellationToken;
        }

        int read;
        try
        {
            read = await inner.ReadAsync(buffer, _linked.Token);
        }
        catch (OperationCanceledException) when (drain.IsCut && !cancellationToken.IsCancellationRequested)
        {
            return OnCut(buffer.Span);
        }

        if (read >= 2)
        {
            (_beforeLast, _last) = (buffer.Span[read - 2], buffer.Span[read - 1]);
        }
        else if (read == 1)
        {
            (_beforeLast, _last) = (_last, buffer.Span[0]);
        }

        return read;
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

    private int OnCut(Span<byte> buffer)
    {
        if (!isEventStream)
        {
            throw new IOException("The gateway is shutting down; the answer was cut before it finished.");
        }

        _ended = true;
        var atEventBoundary = (_last == '\n' && _beforeLast == '\n') || (_last == 0 && _beforeLast == 0);
        _pending = atEventBoundary ? ErrorEvent.ToArray() : [.. "\n\n"u8, .. ErrorEvent];
        _pendingOffset = 0;
        return TakePending(buffer);
    }

    private int TakePending(Span<byte> buffer)
    {
        var count = Math.Min(buffer.Length, _pending!.Length - _pendingOffset);
        _pending.AsSpan(_pendingOffset, count).CopyTo(buffer);
        _pendingOffset += count;
        if (_pendingOffset == _pending.Length)
        {
            _pending = null;
        }

        return count;
    }
}

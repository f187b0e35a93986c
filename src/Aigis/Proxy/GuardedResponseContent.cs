using System.Buffers;
using System.Net;

namespace Aigis.Proxy;

/// <summary>
/// Wraps an upstream's response body between it and YARP's copy to the client. It notes the first byte (the
/// instance's latency estimate learns from it), bounds the wait for it by the first-byte timeout and every later
/// wait by the idle timeout, and, for event streams, hands on only whole lines and checks that a model stream's
/// events are JSON and that it ends with <c>data: [DONE]</c>.
/// </summary>
/// <remarks>
/// A failure before anything was handed on is reported by <see cref="PrimeAsync"/>, which the transformer calls
/// before YARP sends the response headers, so the attempt can still be retried. A failure after that ends an event
/// stream with an error event and a clean end of the response (YARP would abort the connection if the read threw,
/// and the client could not tell why); a plain body is cut by rethrowing, which YARP turns into an aborted response.
/// </remarks>
internal sealed class GuardedResponseContent : HttpContent
{
    private const int InitialBuffer = 16 * 1024;
    private const int MaxEventBytes = 1024 * 1024;
    private static ReadOnlySpan<byte> DataPrefix => "data:"u8;
    private static ReadOnlySpan<byte> Done => "[DONE]"u8;

    private readonly HttpContent _inner;
    private readonly UpstreamAttempt _attempt;
    private readonly bool _events;
    private readonly ResponseMeter? _meter;
    private Stream? _source;
    private byte[] _buffer;
    private int _readyStart;
    private int _readyEnd;
    private int _dataEnd;
    private bool _sawFirstByte;
    private bool _eventOpen;
    private bool _sawDone;
    private bool _ended;
    private bool _tailQueued;
    private ReadOnlyMemory<byte> _tail;
    private int _disposed;

    /// <param name="meter">Reads what a model answer used, in the same pass; null for other services' bodies.</param>
    public GuardedResponseContent(HttpContent inner, UpstreamAttempt attempt, bool eventStream, ResponseMeter? meter = null)
    {
        _inner = inner;
        _attempt = attempt;
        _events = eventStream;
        _meter = meter;
        _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);

        // The forwarder still reads content headers (the media type decides how a stream is flushed).
        foreach (var (name, values) in _inner.Headers)
        {
            Headers.TryAddWithoutValidation(name, values);
        }
    }

    /// <summary>
    /// Reads until the first bytes can be handed on, the body ends, or the attempt fails (then false, with
    /// <see cref="UpstreamAttempt.Failure"/> set). Nothing has reached the client when it returns.
    /// </summary>
    public async ValueTask<bool> PrimeAsync(CancellationToken cancellationToken)
    {
        while (_readyEnd == _readyStart && !_ended && _attempt.Failure == UpstreamFailure.None)
        {
            await FillAsync(cancellationToken);
        }

        return _attempt.Failure == UpstreamFailure.None;
    }

    protected override Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) => Task.FromResult<Stream>(new GuardedStream(this));

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => new GuardedStream(this).CopyToAsync(stream);

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        // Disposed by YARP when it drops an answer, and by the attempt's end in every case: once is enough.
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _source?.Dispose();
            _inner.Dispose();
            _meter?.Complete(_attempt.Delivering);
            if (_buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = [];
            }
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_readyEnd > _readyStart)
            {
                var count = Math.Min(destination.Length, _readyEnd - _readyStart);
                _buffer.AsMemory(_readyStart, count).CopyTo(destination);
                if (!_events)
                {
                    _meter?.OnBody(_buffer.AsSpan(_readyStart, count));
                }

                _readyStart += count;
                _attempt.Delivering = true;
                return count;
            }

            if (!_tail.IsEmpty)
            {
                var count = Math.Min(destination.Length, _tail.Length);
                _tail[..count].CopyTo(destination);
                _tail = _tail[count..];
                return count;
            }

            if (_attempt.Failure != UpstreamFailure.None)
            {
                if (!_events)
                {
                    // A plain body cannot carry an error event: YARP aborts the response, so it is never taken as whole.
                    throw new IOException($"The upstream answer broke: {_attempt.Failure}.");
                }

                if (_tailQueued)
                {
                    return 0;
                }

                _tail = StreamErrorEvents.For(_attempt.Failure, _eventOpen);
                _tailQueued = true;
                continue;
            }

            if (_ended)
            {
                _meter?.Complete(_attempt.Delivering);
                return 0;
            }

            await FillAsync(cancellationToken);
        }
    }

    /// <summary>One read from the upstream into the buffer, under the deadline that applies now.</summary>
    private async ValueTask FillAsync(CancellationToken cancellationToken)
    {
        Compact();
        if (_dataEnd == _buffer.Length && !Grow())
        {
            _attempt.Failure = UpstreamFailure.Malformed;
            return;
        }

        var (timeout, kind) = NextWait();
        var deadline = _attempt.Deadline;
        deadline.Link(cancellationToken);
        if (!deadline.Arm(timeout))
        {
            _attempt.Failure = kind;
            return;
        }

        int read;
        try
        {
            _source ??= await _inner.ReadAsStreamAsync(deadline.Token);
            read = await _source.ReadAsync(_buffer.AsMemory(_dataEnd), deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && (deadline.HasExpired || deadline.WasCut))
        {
            _attempt.Failure = deadline.WasCut ? UpstreamFailure.ShuttingDown : kind;
            return;
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            // The boundary with the upstream connection: a reset or a cut chunk becomes a failure value (or the drain's cut).
            _attempt.Failure = deadline.WasCut ? UpstreamFailure.ShuttingDown : UpstreamFailure.Cut;
            return;
        }
        finally
        {
            deadline.Disarm();
        }

        if (read == 0)
        {
            OnEnd();
            return;
        }

        if (!_sawFirstByte)
        {
            _sawFirstByte = true;
            _attempt.OnFirstByte();
        }

        var start = _dataEnd;
        _dataEnd += read;
        if (!_events)
        {
            _readyEnd = _dataEnd;
            return;
        }

        ScanLines(start);
    }

    /// <summary>Marks every whole line from the new bytes as ready, checking a model stream's data lines.</summary>
    private void ScanLines(int from)
    {
        var lineStart = _readyEnd;
        for (var i = from; i < _dataEnd; i++)
        {
            if (_buffer[i] != (byte)'\n')
            {
                continue;
            }

            var line = _buffer.AsSpan(lineStart, i - lineStart);
            if (line.Length > 0 && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            if (!Inspect(line) && _attempt.ExpectDone)
            {
                _attempt.Failure = UpstreamFailure.Malformed;
                _dataEnd = lineStart;
                return;
            }

            _eventOpen = line.Length > 0;
            lineStart = i + 1;
            _readyEnd = lineStart;
        }
    }

    /// <summary>
    /// A data line of an OpenAI stream carries one JSON value or <c>[DONE]</c>; other SSE fields pass as they are. A
    /// model answer's events are metered in the same read that checks them.
    /// </summary>
    private bool Inspect(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith(DataPrefix))
        {
            return true;
        }

        var data = line[DataPrefix.Length..].TrimStart((byte)' ');
        if (data.SequenceEqual(Done))
        {
            _sawDone = true;
            return true;
        }

        if (_meter is not null)
        {
            return _meter.OnEvent(data);
        }

        return !_attempt.ExpectDone || Core.Tokens.CompletionUsage.TryRead(data, null, out _);
    }

    private void OnEnd()
    {
        _ended = true;
        if (!_events)
        {
            return;
        }

        // A partial last line, or a model stream without [DONE], is a cut: the upstream stopped mid-answer.
        if (_dataEnd > _readyEnd || (_attempt.ExpectDone && !_sawDone))
        {
            _dataEnd = _readyEnd;
            _attempt.Failure = UpstreamFailure.Cut;
        }
    }

    private (TimeSpan Timeout, UpstreamFailure Kind) NextWait()
    {
        if (!_sawFirstByte)
        {
            return (_attempt.Until(_attempt.FirstByteDeadline), _attempt.FirstByteDeadlineKind);
        }

        var total = _attempt.Until(_attempt.TotalDeadline);
        return total < _attempt.Idle ? (total, UpstreamFailure.TotalTimeout) : (_attempt.Idle, UpstreamFailure.IdleTimeout);
    }

    /// <summary>Moves a partial line to the front once everything before it was handed on.</summary>
    private void Compact()
    {
        if (_readyStart < _readyEnd || _readyStart == 0)
        {
            return;
        }

        var pending = _dataEnd - _readyEnd;
        _buffer.AsSpan(_readyEnd, pending).CopyTo(_buffer);
        _readyStart = 0;
        _readyEnd = 0;
        _dataEnd = pending;
    }

    /// <summary>Makes room for a line longer than the buffer; false past the bound (no model sends such an event).</summary>
    private bool Grow()
    {
        if (_buffer.Length >= MaxEventBytes)
        {
            return false;
        }

        var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _dataEnd).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
        return true;
    }

    private sealed class GuardedStream(GuardedResponseContent owner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => owner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            owner.ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => owner.ReadAsync(buffer.AsMemory(offset, count), CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

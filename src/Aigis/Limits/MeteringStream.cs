using System.Buffers;
using Aigis.Core.Tokens;
using Microsoft.AspNetCore.Http;

namespace Aigis.Limits;

/// <summary>
/// The response body as the forwarder writes it, passed on at once (never buffered for the client) and
/// observed on the way: server-sent events through <see cref="SseParser"/>, anything else kept (up to a bound)
/// to read its <c>usage</c> at the end.
/// </summary>
internal sealed class MeteringStream(Stream inner, HttpResponse response, TokenCounter counter) : Stream, ISseEventSink
{
    private const int MaxJsonBytes = 4 * 1024 * 1024;

    private SseParser? _sse;
    private byte[]? _json;
    private int _jsonLength;
    private bool _decided;
    private bool _tooLarge;
    private int _reportedPrompt = -1;
    private int _reportedCompletion = -1;
    private int _counted;
    private bool _sawText;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>What the response said or showed it used; -1 for what it did not.</summary>
    public (int PromptTokens, int CompletionTokens) Complete()
    {
        if (_json is { } json && !_tooLarge)
        {
            var reported = CompletionUsage.Read(json.AsSpan(0, _jsonLength), counter);
            Take(reported);
        }

        var completion = _reportedCompletion >= 0 ? _reportedCompletion : _sawText ? _counted : -1;
        return (_reportedPrompt, completion);
    }

    void ISseEventSink.OnEvent(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return;
        }

        Take(CompletionUsage.Read(data, counter));
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Observe(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Observe(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        // The inner stream is the response's: not ours to close.
        if (disposing)
        {
            _sse?.Dispose();
            if (_json is { } json)
            {
                ArrayPool<byte>.Shared.Return(json);
                _json = null;
            }
        }

        base.Dispose(disposing);
    }

    private void Take(CompletionUsage.Reported reported)
    {
        if (reported.PromptTokens >= 0)
        {
            _reportedPrompt = reported.PromptTokens;
        }

        if (reported.CompletionTokens >= 0)
        {
            _reportedCompletion = reported.CompletionTokens;
        }

        _counted += reported.CountedCompletionTokens;
        _sawText |= reported.CountedCompletionTokens > 0;
    }

    private void Observe(ReadOnlySpan<byte> bytes)
    {
        if (!_decided)
        {
            _decided = true;
            if (response.ContentType?.StartsWith("text/event-stream", StringComparison.OrdinalIgnoreCase) == true)
            {
                _sse = new SseParser(this);
            }
            else
            {
                _json = ArrayPool<byte>.Shared.Rent(Math.Max(bytes.Length, 4096));
            }
        }

        if (_sse is { } sse)
        {
            sse.Feed(bytes);
            return;
        }

        if (_tooLarge || _json is null)
        {
            return;
        }

        if (_jsonLength + bytes.Length > MaxJsonBytes)
        {
            // Usage of a response this large is not worth holding it for; the prompt count stands.
            _tooLarge = true;
            return;
        }

        if (_jsonLength + bytes.Length > _json.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_json.Length * 2, _jsonLength + bytes.Length));
            _json.AsSpan(0, _jsonLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_json);
            _json = bigger;
        }

        bytes.CopyTo(_json.AsSpan(_jsonLength));
        _jsonLength += bytes.Length;
    }
}

using System.Buffers;
using Aigis.Core.Tokens;
using Aigis.Pipeline;

namespace Aigis.Proxy;

/// <summary>
/// What a model answer used, read in the same pass that guards it (<see cref="GuardedResponseContent"/>): each event
/// of a stream is parsed once, for its validity, its <c>usage</c> and, where the model server reports none, the
/// generated text's tokens; a JSON answer is kept as it is handed on (up to a bound) and read at its end. When the
/// answer is over, the counts go on the request's <see cref="RequestRecord"/>, where the rate-limit and budget stages
/// charge them and telemetry reports them.
/// </summary>
/// <remarks>
/// Wave one parsed every answer three times: the guard for validity, a tail buffer for usage, and a stream wrapped
/// around the response body for metering, which split events again with its own parser.
/// </remarks>
internal sealed class ResponseMeter(RequestRecord record, TokenCounter? counter)
{
    private const int MaxJsonBytes = 4 * 1024 * 1024;

    private byte[]? _json;
    private int _jsonLength;
    private bool _tooLarge;
    private int _reportedPrompt = -1;
    private int _reportedCompletion = -1;
    private int _counted;
    private bool _sawText;
    private int _completed;

    /// <summary>One event's data (a stream's <c>data:</c> line, <c>[DONE]</c> excluded); false when it is not one JSON value.</summary>
    public bool OnEvent(ReadOnlySpan<byte> data)
    {
        if (!CompletionUsage.TryRead(data, counter, out var reported))
        {
            return false;
        }

        Take(reported);
        return true;
    }

    /// <summary>Bytes of a JSON answer as they are handed to the client.</summary>
    public void OnBody(ReadOnlySpan<byte> chunk)
    {
        if (_tooLarge)
        {
            return;
        }

        if (_jsonLength + chunk.Length > MaxJsonBytes)
        {
            // Usage of an answer this large is not worth holding it for; the prompt count stands.
            _tooLarge = true;
            Release();
            return;
        }

        if (_json is null || _jsonLength + chunk.Length > _json.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_json is null ? 4096 : _json.Length * 2, _jsonLength + chunk.Length));
            _json?.AsSpan(0, _jsonLength).CopyTo(bigger);
            Release();
            _json = bigger;
        }

        chunk.CopyTo(_json.AsSpan(_jsonLength));
        _jsonLength += chunk.Length;
    }

    /// <summary>
    /// The answer is over (or was dropped): when any of it reached the client, what it reported or showed it used
    /// goes on the record; the buffer goes back to the pool either way. Once.
    /// </summary>
    public void Complete(bool delivered)
    {
        if (Interlocked.Exchange(ref _completed, 1) == 1)
        {
            return;
        }

        if (_json is { } json && delivered)
        {
            Take(CompletionUsage.Read(json.AsSpan(0, _jsonLength), counter));
        }

        Release();
        if (!delivered)
        {
            return;
        }

        if (_reportedPrompt >= 0)
        {
            record.PromptTokens = _reportedPrompt;
        }

        var completion = _reportedCompletion >= 0 ? _reportedCompletion : _sawText ? _counted : -1;
        if (completion >= 0)
        {
            record.CompletionTokens = completion;
        }
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

    private void Release()
    {
        if (_json is { } json)
        {
            _json = null;
            ArrayPool<byte>.Shared.Return(json);
        }

        _jsonLength = 0;
    }
}

using System.Buffers;
using System.Collections.Concurrent;
using HdrHistogram;

namespace Aigis.Bench.Load;

/// <summary>
/// An open-loop load generator: request <c>i</c> is due at <c>start + i / rate</c> and is sent then whether or not
/// earlier ones have answered, so a slow target meets the same arrivals a real one would.
/// </summary>
/// <remarks>
/// Latency is measured from the time a request was <i>due</i>, not the time it went out. A closed-loop tool that
/// waits for an answer before sending the next (or a dispatcher that falls behind) records only the one slow
/// request of a stall and none of the requests that should have been sent during it: coordinated omission
/// (Gil Tene). Counting from the due time charges every request the wait a user arriving then would have had.
/// </remarks>
internal sealed class OpenLoopLoad
{
    // One hour in microseconds; three significant digits keep percentiles within 0.1%.
    private const long HighestTrackableMicros = 3_600_000_000;
    private static readonly byte[] s_done = "data: [DONE]"u8.ToArray();

    private readonly LoadPlan _plan;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly LongConcurrentHistogram _latency = new(1, HighestTrackableMicros, 3);
    private readonly ConcurrentDictionary<string, int> _errors = new(StringComparer.Ordinal);

    public OpenLoopLoad(LoadPlan plan, HttpClient client, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plan.Rate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plan.ConcurrencyCap);
        _plan = plan;
        _client = client;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>A client fit for load: no proxy, no connection limit beyond the plan's cap, no client-wide timeout.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(10),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Sends the plan's requests on schedule, waits for every one to answer or time out, and returns the figures.</summary>
    public async Task<LoadResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var count = _plan.RequestCount;
        var interval = 1.0 / _plan.Rate;
        var pending = new Task[count];
        using var slots = new SemaphoreSlim(_plan.ConcurrencyCap, _plan.ConcurrencyCap);
        var start = _time.GetTimestamp();
        var sent = 0;
        for (; sent < count && !cancellationToken.IsCancellationRequested; sent++)
        {
            var dueAfter = TimeSpan.FromSeconds(sent * interval);
            var wait = dueAfter - _time.GetElapsedTime(start);
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                // Timers fire late, never early by much; requests that fell due meanwhile go out at once below,
                // each still timed from its own due time.
                try
                {
                    await Task.Delay(wait, _time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var due = start + (long)(dueAfter.TotalSeconds * _time.TimestampFrequency);
            pending[sent] = SendAsync(due, slots);
        }

        await Task.WhenAll(pending.AsSpan(0, sent));
        return new LoadResult(_latency, sent, new Dictionary<string, int>(_errors, StringComparer.Ordinal), _time.GetElapsedTime(start));
    }

    private async Task SendAsync(long due, SemaphoreSlim slots)
    {
        // Off the dispatcher's loop, so a slow synchronous start of one request never delays the next.
        await Task.Yield();
        using var timeout = new CancellationTokenSource(_plan.RequestTimeout, _time);
        string? error;
        var slotTaken = false;
        try
        {
            await slots.WaitAsync(timeout.Token);
            slotTaken = true;
            error = await ExchangeAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            error = LoadOutcome.Timeout;
        }
        catch (HttpRequestException)
        {
            error = LoadOutcome.Connection;
        }
        catch (IOException)
        {
            // The connection broke while the answer was read.
            error = LoadOutcome.Connection;
        }
        finally
        {
            if (slotTaken)
            {
                slots.Release();
            }
        }

        var micros = (long)(_time.GetElapsedTime(due).TotalMilliseconds * 1000);
        _latency.RecordValue(Math.Clamp(micros, 1, HighestTrackableMicros));
        if (error is not null)
        {
            _errors.AddOrUpdate(error, 1, static (_, n) => n + 1);
        }
    }

    /// <summary>One request and its whole answer; the error kind, or null when it succeeded.</summary>
    private async Task<string?> ExchangeAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(_plan.Body.IsEmpty ? HttpMethod.Get : HttpMethod.Post, _plan.Url);
        if (!_plan.Body.IsEmpty)
        {
            request.Content = new ReadOnlyMemoryContent(_plan.Body);
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        foreach (var (name, value) in _plan.Headers)
        {
            if (!request.Headers.TryAddWithoutValidation(name, value))
            {
                request.Content?.Headers.Remove(name);
                request.Content?.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var endsWithDone = await DrainAsync(body, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return _plan.Stream && !endsWithDone ? LoadOutcome.BrokenStream : null;
    }

    /// <summary>Reads the body to its end; true when its last non-blank line is <c>data: [DONE]</c>.</summary>
    private static async Task<bool> DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        var tail = new byte[64];
        var tailLength = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                // Keep the last bytes seen: [DONE] must be the stream's last event.
                var chunk = buffer.AsSpan(0, read);
                if (read >= tail.Length)
                {
                    chunk[^tail.Length..].CopyTo(tail);
                    tailLength = tail.Length;
                }
                else
                {
                    var keep = Math.Min(tailLength, tail.Length - read);
                    tail.AsSpan(tailLength - keep, keep).CopyTo(tail);
                    chunk.CopyTo(tail.AsSpan(keep));
                    tailLength = keep + read;
                }
            }

            return tail.AsSpan(0, tailLength).TrimEnd("\r\n "u8).EndsWith(s_done);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

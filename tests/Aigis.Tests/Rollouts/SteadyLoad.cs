using System.Collections.Concurrent;
using System.Text;

namespace Aigis.Tests.Rollouts;

/// <summary>
/// Open-loop traffic at a fixed rate through the gateway while a rollout runs: one chat request per tick, each on its
/// own task so a slow answer never delays the next request. Counts every request and every failure a client would
/// see (a non-2xx answer, a broken connection, a stream without its <c>[DONE]</c>). Stops at <see cref="StopAsync"/>
/// or after its longest run, whichever comes first.
/// </summary>
internal sealed class SteadyLoad : IAsyncDisposable
{
    private static readonly TimeSpan s_longestRun = TimeSpan.FromMinutes(4);
    private readonly HttpClient _client;
    private readonly bool _stream;
    private readonly CancellationTokenSource _stop = new(s_longestRun);
    private readonly ConcurrentBag<Task> _requests = [];
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly Task _loop;
    private int _sent;

    private SteadyLoad(HttpClient client, int perSecond, bool stream)
    {
        _client = client;
        _stream = stream;
        _loop = Task.Run(() => RunAsync(TimeSpan.FromSeconds(1.0 / perSecond)));
    }

    public int Sent => Volatile.Read(ref _sent);

    public IReadOnlyCollection<string> Failures => _failures;

    public static SteadyLoad Start(HttpClient client, int perSecond, bool stream = false) => new(client, perSecond, stream);

    /// <summary>Stops sending and waits for the requests in flight to end.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        await Task.WhenAll(_requests);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(TimeSpan interval)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                Interlocked.Increment(ref _sent);
                _requests.Add(SendAsync());
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private async Task SendAsync()
    {
        var body = _stream
            ? """{"model":"sim-llama-3-8b","max_tokens":4,"stream":true,"messages":[{"role":"user","content":"Tell me something"}]}"""
            : """{"model":"sim-llama-3-8b","max_tokens":4,"messages":[{"role":"user","content":"Tell me something"}]}""";
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _client.PostAsync("/v1/chat/completions", content, CancellationToken.None);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            if (!response.IsSuccessStatusCode)
            {
                _failures.Enqueue($"{(int)response.StatusCode}: {text[..Math.Min(text.Length, 200)]}");
            }
            else if (_stream && !text.Contains("data: [DONE]", StringComparison.Ordinal))
            {
                _failures.Enqueue("stream ended without [DONE]");
            }
        }
        catch (HttpRequestException e)
        {
            _failures.Enqueue(e.Message);
        }
        catch (TaskCanceledException e)
        {
            _failures.Enqueue("timed out: " + e.Message);
        }
    }
}

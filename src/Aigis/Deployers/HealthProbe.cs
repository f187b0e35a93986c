using System.Net.Http;

namespace Aigis.Deployers;

/// <summary>
/// Probes a health path: once (<see cref="CheckAsync"/>, what the active health checks of every runtime use), or
/// until a starting replica answers 2xx, its process exits, or its start timeout passes.
/// </summary>
internal sealed class HealthProbe(HttpClient client, TimeSpan pollInterval, TimeProvider timeProvider)
{
    /// <summary>A client for probes: no proxy (replicas are on loopback), short timeouts, no connection reuse across replicas' lives.</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        AllowAutoRedirect = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    public async Task<HealthOutcome> WaitUntilHealthyAsync(Uri healthUrl, TimeSpan timeout, Task exited, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, timeProvider);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            if (exited.IsCompleted)
            {
                return HealthOutcome.Exited;
            }

            if ((await CheckAsync(healthUrl, attempt.Token)).Passed)
            {
                return HealthOutcome.Healthy;
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested)
            {
                return HealthOutcome.TimedOut;
            }

            // Wake for the next poll, or at once when the process exits; neither task throws into WhenAny.
            await Task.WhenAny(Task.Delay(pollInterval, timeProvider, attempt.Token), exited);
            cancellationToken.ThrowIfCancellationRequested();
            if (deadline.IsCancellationRequested && !exited.IsCompleted)
            {
                return HealthOutcome.TimedOut;
            }
        }
    }

    /// <summary>One probe: passed when <c>GET</c> <paramref name="healthUrl"/> answers 2xx before the token (a timeout, or shutdown) ends it.</summary>
    public async Task<(bool Passed, string Detail)> CheckAsync(Uri healthUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(healthUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return (response.IsSuccessStatusCode, $"GET {healthUrl.AbsolutePath} answered {(int)response.StatusCode}");
        }
        catch (HttpRequestException e)
        {
            // Not listening (yet), or it reset the connection: not healthy.
            return (false, $"GET {healthUrl.AbsolutePath} failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            // The client's own timeout, or the deadline or shutdown; the caller tells those apart.
            return (false, $"GET {healthUrl.AbsolutePath} did not answer in time");
        }
    }
}

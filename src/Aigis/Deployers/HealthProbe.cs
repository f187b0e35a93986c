using System.Net.Http;

namespace Aigis.Deployers;

/// <summary>Polls a starting replica's health path until it answers 2xx, its process exits, or its start timeout passes.</summary>
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

            if (await IsHealthyAsync(healthUrl, attempt.Token))
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

    private async Task<bool> IsHealthyAsync(Uri healthUrl, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(healthUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            // Not listening yet, or it reset the connection: not healthy yet.
            return false;
        }
        catch (OperationCanceledException)
        {
            // The client's own timeout, or the deadline or shutdown; the caller tells those apart.
            return false;
        }
    }
}

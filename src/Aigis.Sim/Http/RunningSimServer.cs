namespace Aigis.Sim.Http;

/// <summary>A started simulator; dispose it to stop it.</summary>
internal sealed class RunningSimServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public RunningSimServer(WebApplication app, string listeningAddress)
    {
        _app = app;
        ListeningAddress = listeningAddress;
        BaseAddress = new Uri(listeningAddress + "/");
    }

    /// <summary>The bound address as Kestrel reports it, e.g. http://127.0.0.1:5123.</summary>
    public string ListeningAddress { get; }

    /// <summary>The bound address with a trailing slash, ready for HttpClient.BaseAddress.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Completes when <paramref name="cancellationToken"/> fires or the server stops.</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

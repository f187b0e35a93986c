using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Aigis.Proxy;

/// <summary>
/// HTTP clients to upstreams, one per distinct connect timeout. Connection pools are shared across services
/// and survive config reloads; a reload that changes a timeout gets a new client while in-flight requests
/// finish on the old one, which is kept (the set of distinct timeouts is small and bounded by the config).
/// </summary>
internal sealed class UpstreamInvokers(Hosting.Shutdown.ShutdownDrain drain) : IDisposable
{
    private readonly ConcurrentDictionary<TimeSpan, HttpMessageInvoker> _byConnectTimeout = new();

    public HttpMessageInvoker Get(TimeSpan connectTimeout) => _byConnectTimeout.GetOrAdd(connectTimeout, static (timeout, self) => self.Create(timeout), this);

    public void Dispose()
    {
        foreach (var invoker in _byConnectTimeout.Values)
        {
            invoker.Dispose();
        }
    }

    // The settings YARP recommends for a forwarding client: no proxy, no redirects, no decompression,
    // no cookies, and no automatic trace headers (telemetry decides those); the wait for headers is bounded per attempt.
    // Outermost, the attempt's deadline: first byte, total, and the shutdown drain's cut.
    private HttpMessageInvoker Create(TimeSpan connectTimeout) => new(new UpstreamDeadlineHandler(drain, new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ConnectTimeout = connectTimeout,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
    }), disposeHandler: true);
}

namespace Aigis.Core.Routing;

/// <summary>
/// One upstream replica and the live state the gateway keeps about it. The same object survives
/// config reloads while its id and URL stay the same, so counters are not lost mid-flight.
/// </summary>
public sealed class UpstreamInstance(string serviceName, string id, Uri url)
{
    private int _inFlight;

    public string ServiceName { get; } = serviceName;

    public string Id { get; } = id;

    public Uri Url { get; } = url;

    /// <summary>The URL as YARP's destination prefix (scheme, authority and any base path).</summary>
    public string DestinationPrefix { get; } = url.AbsoluteUri;

    /// <summary>Requests this gateway has sent to the instance and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void OnRequestStarted() => Interlocked.Increment(ref _inFlight);

    public void OnRequestFinished() => Interlocked.Decrement(ref _inFlight);
}

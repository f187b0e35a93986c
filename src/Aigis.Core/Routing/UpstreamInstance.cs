namespace Aigis.Core.Routing;

/// <summary>
/// One upstream replica and the live state the gateway keeps about it. The same object survives
/// config reloads while its id and URL stay the same, so counters are not lost mid-flight.
/// </summary>
public sealed class UpstreamInstance(string serviceName, string id, Uri url, TimeProvider time)
{
    /// <summary>Decay time of the latency estimate (Linkerd's default is 10 s).</summary>
    public static readonly TimeSpan LatencyDecay = TimeSpan.FromSeconds(10);

    private int _inFlight;
    private long _pendingPrefill;
    private InstanceLoad? _load;
    private Rollouts.InstanceSamples? _samples;

    public string ServiceName { get; } = serviceName;

    public string Id { get; } = id;

    public Uri Url { get; } = url;

    /// <summary>The URL as YARP's destination prefix (scheme, authority and any base path).</summary>
    public string DestinationPrefix { get; } = url.AbsoluteUri;

    /// <summary>Requests this gateway has sent to the instance and not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>
    /// False while health checks, an outlier ejection or an open circuit breaker keep the instance out of rotation
    /// (see <see cref="Health"/>). Setting it sets the active-check verdict.
    /// </summary>
    public bool IsHealthy
    {
        get => Health.IsAvailable;
        set => Health.ActiveHealthy = value;
    }

    /// <summary>Active checks, outlier ejection and circuit breaker of this instance.</summary>
    public Resilience.InstanceHealth Health { get; } = new(time);

    /// <summary>
    /// Prompt blocks sent to the instance whose first byte has not come back: the prefill work it has yet to do, as this
    /// gateway knows it the moment it sends (a scraped queue length lags and counts a 100-token and a 100k-token prompt alike).
    /// </summary>
    public long PendingPrefill => Volatile.Read(ref _pendingPrefill);

    /// <summary>Time to first byte of the instance's answers, peak-sensitive.</summary>
    public PeakEwma Latency { get; } = new(LatencyDecay);

    /// <summary>The last scraped load, or null when none was scraped (or the service does not scrape).</summary>
    public InstanceLoad? Load => Volatile.Read(ref _load);

    /// <summary>
    /// Where the outcomes of this instance's requests are counted while a rollout compares it with its peers; null
    /// (nothing recorded) otherwise. Replaced at each analysis window.
    /// </summary>
    public Rollouts.InstanceSamples? Samples
    {
        get => Volatile.Read(ref _samples);
        set => Volatile.Write(ref _samples, value);
    }

    public void OnRequestStarted() => Interlocked.Increment(ref _inFlight);

    /// <summary>A request of <paramref name="promptBlocks"/> prompt blocks was sent and waits for its first byte.</summary>
    public void OnPrefillPending(int promptBlocks) => Interlocked.Add(ref _pendingPrefill, promptBlocks);

    /// <summary>Its first byte arrived, or it ended without one: the instance has no more of its prompt to read.</summary>
    public void OnPrefillDone(int promptBlocks) => Interlocked.Add(ref _pendingPrefill, -promptBlocks);

    public void OnRequestFinished() => Interlocked.Decrement(ref _inFlight);

    public void OnLoadScraped(InstanceLoad load) => Volatile.Write(ref _load, load);
}

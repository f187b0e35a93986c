namespace Aigis.Core.Routing;

/// <summary>
/// Sends one instance of a service (a rollout's canary) a fixed share of the service's requests; the balancer shares
/// the rest among the other instances.
/// </summary>
/// <remarks>
/// The share is kept by counting, not by chance: request n goes to the canary when ⌊n·share⌋ steps up, so over any
/// run of requests the canary gets its share to within one request. That keeps the number of requests a bad version
/// can fail bounded, and tests exact, with no random source to seed.
/// </remarks>
public sealed class CanarySplit(UpstreamInstance instance, double share)
{
    private long _turns;

    public UpstreamInstance Instance { get; } = instance;

    /// <summary>From 0 to 1.</summary>
    public double Share { get; } = share;

    /// <summary>True when this request is the canary's.</summary>
    public bool TakeTurn()
    {
        var n = Interlocked.Increment(ref _turns);
        return Math.Floor(n * Share) > Math.Floor((n - 1) * Share);
    }
}

namespace Aigis.Core.Rollouts;

/// <summary>
/// A service's <c>rollout</c> section: how a new version replaces its replicas and how each new replica is judged
/// against the stable ones on live traffic before the next one is replaced.
/// </summary>
/// <remarks>
/// Bounds live here, as constants the binder reads, so they are typed once. Defaults lean towards safety: no
/// replica is taken out before its successor is healthy, and a canary gets a small share of traffic, so a bad
/// version fails few requests before it is rolled back.
/// </remarks>
public sealed record RolloutOptions
{
    public const int MaxSurgeLimit = 16;
    public const int MaxWindows = 100;
    public static readonly TimeSpan MinAnalysisWindow = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MaxAnalysisWindow = TimeSpan.FromHours(1);
    public const double MinCanaryShare = 0.001;
    public const double MaxCanaryShare = 0.5;

    /// <summary>
    /// New replicas that may run beside the old ones. At 1 or more a new replica starts beside the one it replaces,
    /// which leaves only once its successor has passed; at 0 the old one leaves first. Default 1.
    /// </summary>
    public int MaxSurge { get; init; } = 1;

    /// <summary>Replicas that may be out of rotation during a step; must be 1 or more when <see cref="MaxSurge"/> is 0. Default 0.</summary>
    public int MaxUnavailable { get; init; }

    /// <summary>How long each analysis window lasts. Default 30s.</summary>
    public TimeSpan AnalysisWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Windows a new replica must pass before the next replica is replaced. Default 2.</summary>
    public int Windows { get; init; } = 2;

    /// <summary>Share of the service's requests sent to the new replica while it is judged, 0.001 to 0.5. Default 0.05.</summary>
    /// <remarks>At 0.05, a version failing 20% of its requests fails 1% of the service's requests while it is judged.</remarks>
    public double CanaryShare { get; init; } = 0.05;

    /// <summary>How much more of its requests (0 to 1) the canary may fail than the stable replicas. Default 0.05.</summary>
    public double MaxErrorRatio { get; init; } = 0.05;

    /// <summary>
    /// How much slower (0.25 is 25%) the canary's p95 latency may be than the stable replicas': time to first token for
    /// streamed answers, the whole answer otherwise. Default 0.25, so a version 50% slower is caught with room for noise.
    /// </summary>
    public double MaxLatencyIncrease { get; init; } = 0.25;

    /// <summary>
    /// A latency difference below this is never a failure, however large in relative terms. Default 20ms: on a loaded
    /// machine a freshly started good replica of the simulator still showed twice its warm peers' p95 (17.6ms against
    /// 9.3ms) after its warm-up; a fast service's regression below this is not caught.
    /// </summary>
    public TimeSpan MinLatencyDifference { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// The new replica's first requests whose latency is not judged: a process just started answers them slowly (JIT,
    /// cold caches), which is no fault of its version. Their errors still count. Default 10.
    /// </summary>
    public int WarmupRequests { get; init; } = 10;

    /// <summary>Requests the canary must have served in a window for the window to be judged; fewer and it is inconclusive. Default 20.</summary>
    public int MinRequests { get; init; } = 20;
}

namespace Aigis.Core.Rollouts;

/// <summary>How one analysis window judged the canary.</summary>
public enum WindowOutcome
{
    /// <summary>The canary did no worse than the stable replicas, within the bounds.</summary>
    Passed,

    /// <summary>The canary failed more, broke more streams, or was slower than the bounds allow.</summary>
    Failed,

    /// <summary>The canary served too few requests to be judged; neither a pass nor a failure.</summary>
    Inconclusive,
}

/// <summary>One side of a window's comparison, as people read it in the rollout's history.</summary>
/// <param name="P95">The p95 latency (time to first token for streams), null when no request succeeded.</param>
public readonly record struct SideSummary(long Requests, long Errors, long StreamErrors, TimeSpan? P95)
{
    public double ErrorRatio => Requests == 0 ? 0 : (double)Errors / Requests;

    public double StreamErrorRatio(long streams) => streams == 0 ? 0 : (double)StreamErrors / streams;

    public static SideSummary Of(InstanceSamples samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return new(samples.Requests, samples.Errors, samples.StreamErrors, samples.Latency.Percentile(0.95));
    }
}

/// <summary>A window's verdict, the figures it rests on, and in words why.</summary>
public sealed record WindowVerdict(WindowOutcome Outcome, SideSummary Canary, SideSummary Stable, string Reason);

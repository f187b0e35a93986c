using System.Globalization;

namespace Aigis.Core.Rollouts;

/// <summary>
/// Judges one analysis window: the canary's live requests against the stable replicas' over the same window.
/// </summary>
/// <remarks>
/// Relative, not absolute: the stable replicas serve the same traffic at the same time, so a slow backend or a
/// burst of bad requests shows on both sides and is not held against the canary. The canary fails the window when
/// its error ratio exceeds the stable one by more than <see cref="RolloutOptions.MaxErrorRatio"/>, when its broken
/// streams do, or when its p95 latency exceeds the stable p95 by more than <see cref="RolloutOptions.MaxLatencyIncrease"/>
/// and by more than <see cref="RolloutOptions.MinLatencyDifference"/>. Latency is compared only when both sides have
/// <see cref="RolloutOptions.MinRequests"/> successes; with no stable replica to compare with (a one-replica service
/// replaced without surge), errors are judged against zero and latency is not judged.
/// </remarks>
public static class CanaryAnalysis
{
    public static WindowVerdict Judge(InstanceSamples canary, InstanceSamples stable, RolloutOptions options)
    {
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(stable);
        ArgumentNullException.ThrowIfNull(options);
        var c = SideSummary.Of(canary);
        var s = SideSummary.Of(stable);
        if (c.Requests < options.MinRequests)
        {
            return new(WindowOutcome.Inconclusive, c, s, $"the new replica served {c.Requests} requests, fewer than the {options.MinRequests} needed to judge it");
        }

        var stableErrors = s.Requests == 0 ? 0 : s.ErrorRatio;
        if (c.ErrorRatio > stableErrors + options.MaxErrorRatio)
        {
            return new(WindowOutcome.Failed, c, s,
                $"error ratio {Percent(c.ErrorRatio)} ({c.Errors} of {c.Requests}) against {Percent(stableErrors)} on the stable replicas (at most {Percent(options.MaxErrorRatio)} more allowed)");
        }

        var canaryStreamErrors = c.StreamErrorRatio(canary.Streams);
        var stableStreamErrors = s.StreamErrorRatio(stable.Streams);
        if (canary.Streams > 0 && canaryStreamErrors > stableStreamErrors + options.MaxErrorRatio)
        {
            return new(WindowOutcome.Failed, c, s,
                $"broken streams {Percent(canaryStreamErrors)} ({c.StreamErrors} of {canary.Streams}) against {Percent(stableStreamErrors)} on the stable replicas");
        }

        if (canary.Latency.Count >= options.MinRequests && stable.Latency.Count >= options.MinRequests && c.P95 is { } canaryP95 && s.P95 is { } stableP95)
        {
            var limit = stableP95 * (1 + options.MaxLatencyIncrease);
            if (canaryP95 > limit && canaryP95 - stableP95 > options.MinLatencyDifference)
            {
                var what = canary.Streams * 2 > canary.Requests ? "time to first token p95" : "latency p95";
                return new(WindowOutcome.Failed, c, s,
                    $"{what} {Milliseconds(canaryP95)} against {Milliseconds(stableP95)} on the stable replicas (+{Percent(canaryP95 / stableP95 - 1)}, at most +{Percent(options.MaxLatencyIncrease)} allowed)");
            }
        }

        return new(WindowOutcome.Passed, c, s, $"error ratio {Percent(c.ErrorRatio)} over {c.Requests} requests, p95 {Milliseconds(c.P95)} against {Milliseconds(s.P95)}");
    }

    private static string Percent(double ratio) => (ratio * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";

    private static string Milliseconds(TimeSpan? value) =>
        value is { } v ? v.TotalMilliseconds.ToString("0.#", CultureInfo.InvariantCulture) + "ms" : "n/a";
}

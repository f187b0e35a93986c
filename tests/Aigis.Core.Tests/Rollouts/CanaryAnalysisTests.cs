using Aigis.Core.Rollouts;

namespace Aigis.Core.Tests.Rollouts;

public sealed class CanaryAnalysisTests
{
    private static readonly RolloutOptions s_options = new() { MinRequests = 20 };

    [Fact]
    public void A_canary_like_the_stable_replicas_passes()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 1, latencyMs: 100), Samples(400, errors: 4, latencyMs: 100), s_options);

        Assert.Equal(WindowOutcome.Passed, verdict.Outcome);
        Assert.Equal(100, verdict.Canary.Requests);
        Assert.Equal(400, verdict.Stable.Requests);
    }

    [Fact]
    public void Twenty_percent_errors_fail_the_window_and_say_so()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 20, latencyMs: 100), Samples(400, errors: 0, latencyMs: 100), s_options);

        Assert.Equal(WindowOutcome.Failed, verdict.Outcome);
        Assert.StartsWith("error ratio 20% (20 of 100) against 0% on the stable replicas", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Errors_the_stable_replicas_share_are_not_held_against_the_canary()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 20, latencyMs: 100), Samples(400, errors: 72, latencyMs: 100), s_options);

        Assert.Equal(WindowOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void Half_again_the_stable_p95_fails_the_window()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 0, latencyMs: 150), Samples(400, errors: 0, latencyMs: 100), s_options);

        Assert.Equal(WindowOutcome.Failed, verdict.Outcome);
        Assert.StartsWith("latency p95 ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Slower_streams_are_judged_on_time_to_first_token()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 0, latencyMs: 150, streamed: true), Samples(400, errors: 0, latencyMs: 100, streamed: true), s_options);

        Assert.Equal(WindowOutcome.Failed, verdict.Outcome);
        Assert.StartsWith("time to first token p95 ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_latency_increase_within_the_bound_passes()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 0, latencyMs: 115), Samples(400, errors: 0, latencyMs: 100), s_options);

        Assert.Equal(WindowOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void A_large_relative_increase_of_a_tiny_latency_is_noise()
    {
        var verdict = CanaryAnalysis.Judge(Samples(100, errors: 0, latencyMs: 2), Samples(400, errors: 0, latencyMs: 1), s_options);

        Assert.Equal(WindowOutcome.Passed, verdict.Outcome);
    }

    [Fact]
    public void Broken_streams_fail_the_window()
    {
        var canary = Samples(60, errors: 0, latencyMs: 100, streamed: true);
        for (var i = 0; i < 10; i++)
        {
            canary.Record(failed: true, streamed: true, streamBroke: true, TimeSpan.Zero);
        }

        // The stable replicas' own error ratio is as high, so only the broken-stream check can fail the canary.
        var stable = Samples(350, errors: 50, latencyMs: 100, streamed: true);
        var verdict = CanaryAnalysis.Judge(canary, stable, s_options);

        Assert.Equal(WindowOutcome.Failed, verdict.Outcome);
        Assert.StartsWith("broken streams ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_canary_requests_make_the_window_inconclusive()
    {
        var verdict = CanaryAnalysis.Judge(Samples(19, errors: 19, latencyMs: 100), Samples(400, errors: 0, latencyMs: 100), s_options);

        Assert.Equal(WindowOutcome.Inconclusive, verdict.Outcome);
    }

    [Fact]
    public void Without_stable_samples_errors_are_judged_against_zero_and_latency_not_at_all()
    {
        var empty = new InstanceSamples();

        Assert.Equal(WindowOutcome.Failed, CanaryAnalysis.Judge(Samples(100, errors: 20, latencyMs: 100), empty, s_options).Outcome);
        Assert.Equal(WindowOutcome.Passed, CanaryAnalysis.Judge(Samples(100, errors: 0, latencyMs: 900), empty, s_options).Outcome);
    }

    [Fact]
    public void The_histogram_reads_p95_to_within_one_bucket()
    {
        var histogram = new LatencyHistogram();
        for (var ms = 1; ms <= 1000; ms++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(ms));
        }

        var p95 = histogram.Percentile(0.95)!.Value.TotalMilliseconds;
        Assert.InRange(p95, 950, 950 * 1.05);
        Assert.Null(new LatencyHistogram().Percentile(0.95));
    }

    private static InstanceSamples Samples(int requests, int errors, double latencyMs, bool streamed = false)
    {
        var samples = new InstanceSamples();
        for (var i = 0; i < requests; i++)
        {
            // Spread around the nominal latency so the p95 sits just above it, as on a real replica.
            var jitter = 1 + (i % 10) / 100.0;
            samples.Record(failed: i < errors, streamed, streamBroke: false, TimeSpan.FromMilliseconds(latencyMs * jitter));
        }

        return samples;
    }
}

using HdrHistogram;

namespace Aigis.Bench.Load;

/// <summary>
/// The measurements of one run. Latency is from each request's intended send time to its complete answer (or
/// its error), for every request, errors included: the figure a user of the target would see.
/// </summary>
internal sealed class LoadResult(HistogramBase latencyMicros, int requests, IReadOnlyDictionary<string, int> errorsByKind, TimeSpan elapsed)
{
    /// <summary>Requests sent (all completed or timed out by the time the result exists).</summary>
    public int Requests { get; } = requests;

    public int Errors { get; } = errorsByKind.Values.Sum();

    public int Succeeded => Requests - Errors;

    /// <summary>Errors by HTTP status (<c>"503"</c>) or by <see cref="LoadOutcome"/>.</summary>
    public IReadOnlyDictionary<string, int> ErrorsByKind { get; } = errorsByKind;

    /// <summary>From the first intended send to the last answer.</summary>
    public TimeSpan Elapsed { get; } = elapsed;

    /// <summary>Answers (of any kind) per second over <see cref="Elapsed"/>.</summary>
    public double Rps => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    public double SuccessRate => Requests == 0 ? 1 : (double)Succeeded / Requests;

    public double PercentileMs(double percentile) =>
        latencyMicros.TotalCount == 0 ? 0 : latencyMicros.GetValueAtPercentile(percentile) / 1000.0;

    public double MaxMs => latencyMicros.TotalCount == 0 ? 0 : latencyMicros.GetMaxValue() / 1000.0;
}

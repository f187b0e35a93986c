using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// The work an instance owes, counted in requests: its in-flight requests, plus its prefill owed (prompt blocks sent and
/// not yet answered with a first byte) where a prompt of the mean size counts as <c>prefillLoadWeight</c> more requests.
/// </summary>
/// <remarks>
/// Counting requests alone treats a request that waits for its prefill like one that is decoding, and a 100k-token
/// prompt like a 100-token one. A decoding request adds one token to each engine step; a waiting prompt adds all of its
/// tokens, and every later arrival's first token waits behind them. The mean prompt size is learned from the requests
/// this policy places (an exponential average over about the last 256), so the weight needs no unit: a service of
/// 200-token prompts and one of 20k-token prompts read it alike. Updates race harmlessly: a lost update loses one sample.
/// </remarks>
internal sealed class OutstandingWork(double prefillLoadWeight)
{
    private const double MeanWindow = 256;
    private double _meanPromptBlocks = 1;

    /// <summary>Learns the size of the prompt being placed.</summary>
    public void Observe(int promptBlocks)
    {
        var mean = Volatile.Read(ref _meanPromptBlocks);
        Volatile.Write(ref _meanPromptBlocks, mean + ((Math.Max(1, promptBlocks) - mean) / MeanWindow));
    }

    /// <summary>The current weighing, to apply to every instance of one pick (one division per pick, not per instance).</summary>
    public Meter Now() => new(prefillLoadWeight / Volatile.Read(ref _meanPromptBlocks));

    public readonly struct Meter(double weightPerBlock)
    {
        public double Of(UpstreamInstance instance) => Of(instance.InFlight, instance.PendingPrefill);

        /// <summary>The work of <paramref name="inFlight"/> requests owing <paramref name="prefillBlocks"/>, e.g. summed over instances.</summary>
        public double Of(long inFlight, long prefillBlocks) => inFlight + (weightPerBlock * prefillBlocks);
    }
}

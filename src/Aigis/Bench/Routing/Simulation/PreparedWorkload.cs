using Aigis.Bench.Routing.Prompts;
using Aigis.Bench.Routing.Workloads;
using Aigis.Core.Balancing;

namespace Aigis.Bench.Routing.Simulation;

/// <summary>
/// A workload turned into what the simulation reads per request, as flat arrays: arrival, sizes, the node of its
/// prompt's hash chain, and its session's affinity key. Built once, then shared read-only by every policy's run.
/// </summary>
internal sealed class PreparedWorkload
{
    private PreparedWorkload(int count, PromptChains chains)
    {
        Chains = chains;
        ArrivalMs = new double[count];
        PromptTokens = new int[count];
        MaxTokens = new int[count];
        PromptNode = new int[count];
        AffinityKey = new ulong[count];
        HasAffinityKey = new bool[count];
    }

    private PreparedWorkload(PreparedWorkload other, double[] arrivalMs)
    {
        Chains = other.Chains;
        ArrivalMs = arrivalMs;
        PromptTokens = other.PromptTokens;
        MaxTokens = other.MaxTokens;
        PromptNode = other.PromptNode;
        AffinityKey = other.AffinityKey;
        HasAffinityKey = other.HasAffinityKey;
    }

    public PromptChains Chains { get; }

    public int Count => ArrivalMs.Length;

    public double[] ArrivalMs { get; }

    public int[] PromptTokens { get; }

    public int[] MaxTokens { get; }

    public int[] PromptNode { get; }

    public ulong[] AffinityKey { get; }

    public bool[] HasAffinityKey { get; }

    public static PreparedWorkload From(Workload workload, int blockSize)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var prepared = new PreparedWorkload(workload.Count, new PromptChains(blockSize));
        var keys = new Dictionary<string, ulong>(StringComparer.Ordinal);
        for (var i = 0; i < workload.Count; i++)
        {
            var request = workload.Requests[i];
            prepared.ArrivalMs[i] = request.AtMs;
            prepared.PromptTokens[i] = request.PromptTokens;
            prepared.MaxTokens[i] = request.MaxTokens;
            prepared.PromptNode[i] = prepared.Chains.Add(request.Prompt);
            if (request.Session is { } session)
            {
                if (!keys.TryGetValue(session, out var key))
                {
                    keys[session] = key = StableHash.Of(session);
                }

                prepared.AffinityKey[i] = key;
                prepared.HasAffinityKey[i] = true;
            }
        }

        return prepared;
    }

    /// <summary>The same requests arriving at <paramref name="retimed"/>'s times (the same requests, rescaled), without hashing prompts again.</summary>
    public PreparedWorkload WithArrivalsOf(Workload retimed)
    {
        ArgumentNullException.ThrowIfNull(retimed);
        if (retimed.Count != Count)
        {
            throw new ArgumentException("The retimed workload must have the same requests.", nameof(retimed));
        }

        var arrivals = new double[Count];
        for (var i = 0; i < arrivals.Length; i++)
        {
            arrivals[i] = retimed.Requests[i].AtMs;
        }

        return new PreparedWorkload(this, arrivals);
    }
}

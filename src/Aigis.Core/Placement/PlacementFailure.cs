using System.Globalization;
using System.Text;

namespace Aigis.Core.Placement;

/// <summary>
/// Why a replica could not be placed: for each constraint, on how many nodes it was the first one that failed.
/// Built only on failure, by checking every node once, so the common path pays nothing for it.
/// </summary>
internal sealed class PlacementFailure
{
    private readonly int[] _nodesBy = new int[Enum.GetValues<FitStatus>().Length];

    private PlacementFailure(string replica) => Replica = replica;

    public string Replica { get; }

    /// <summary>Nodes that are up (the ones the counts are out of).</summary>
    public int NodesUp { get; private set; }

    /// <summary>Nodes where <paramref name="status"/> was the first constraint to fail.</summary>
    public int NodesFailing(FitStatus status) => _nodesBy[(int)status];

    /// <summary>
    /// The constraint to relax first: the one that failed on the most nodes among those with an allowed GPU model
    /// (a replica pinned to A100s is short of GPUs, not of T4s); the model itself only when no node has one.
    /// </summary>
    public FitStatus MainReason
    {
        get
        {
            var main = FitStatus.GpuModel;
            for (var s = FitStatus.Cpu; s <= FitStatus.Spread; s++)
            {
                if (_nodesBy[(int)s] > 0 && (main == FitStatus.GpuModel || _nodesBy[(int)s] > _nodesBy[(int)main]))
                {
                    main = s;
                }
            }

            return main == FitStatus.GpuModel && _nodesBy[(int)main] == 0 ? FitStatus.NodeDown : main;
        }
    }

    public static PlacementFailure Explain(ClusterState cluster, in PlacementQuery query)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var failure = new PlacementFailure(query.Request.Name);
        for (var n = 0; n < cluster.NodeCount; n++)
        {
            var status = cluster.Fits(n, query);
            failure._nodesBy[(int)status]++;
            if (status != FitStatus.NodeDown)
            {
                failure.NodesUp++;
            }
        }

        return failure;
    }

    /// <summary>E.g. <c>r-17: no node fits: insufficient gpu on 480 of 500 nodes, gpu model not allowed on 20</c>.</summary>
    public override string ToString()
    {
        if (NodesUp == 0)
        {
            return $"{Replica}: no node is up";
        }

        var text = new StringBuilder(Replica).Append(": no node fits: ");
        var first = true;
        for (var s = FitStatus.GpuModel; s <= FitStatus.Spread; s++)
        {
            var count = _nodesBy[(int)s];
            if (count == 0)
            {
                continue;
            }

            text.Append(first ? string.Empty : ", ").Append(Describe(s)).Append(" on ").Append(count.ToString(CultureInfo.InvariantCulture));
            text.Append(first ? string.Create(CultureInfo.InvariantCulture, $" of {NodesUp} nodes") : string.Empty);
            first = false;
        }

        if (first)
        {
            // Every node fits, yet the policy chose none: say so rather than invent a resource.
            text.Append("the policy chose no node");
        }

        return text.ToString();
    }

    public static string Describe(FitStatus status) => status switch
    {
        FitStatus.GpuModel => "gpu model not allowed",
        FitStatus.Cpu => "insufficient cpu",
        FitStatus.Memory => "insufficient memory",
        FitStatus.Gpu => "insufficient gpu",
        FitStatus.Spread => "spread limit reached",
        FitStatus.NodeDown => "node down",
        _ => "fits",
    };
}

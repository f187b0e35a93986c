namespace Aigis.Core.Placement;

/// <summary>The placement policies by the names config and <c>aigis bench placement</c> use.</summary>
internal static class PlacementPolicyNames
{
    public const string RoundRobin = "round-robin";
    public const string LeastLoaded = "least-loaded";
    public const string ConsistentHash = "consistent-hash";
    public const string BinPack = "bin-pack";
    public const string FragmentationAware = "frag-aware";

    public static IReadOnlyList<string> All { get; } = [RoundRobin, LeastLoaded, ConsistentHash, BinPack, FragmentationAware];

    /// <summary>A new policy instance (policies that keep state, a cursor or a learned mix, keep it per instance), or null for an unknown name.</summary>
    public static IPlacementPolicy? Create(string name) => name switch
    {
        RoundRobin => new RoundRobinPlacement(),
        LeastLoaded => new LeastLoadedPlacement(),
        ConsistentHash => new ConsistentHashPlacement(),
        BinPack => new BinPackPlacement(),
        FragmentationAware => new FragmentationAwarePlacement(),
        _ => null,
    };
}

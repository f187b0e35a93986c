namespace Aigis.Core.Placement;

/// <summary>
/// The expected mix of replica requests, learned from the requests seen so far: the most frequent shapes and their
/// share. Fragmentation is measured against it, as FGD measures it against the target workload's distribution.
/// </summary>
/// <remarks>
/// Learned online rather than given, so the policy needs no knowledge of the future and follows a mix that drifts.
/// Only the <see cref="MaxShapes"/> most frequent shapes are kept in the weights (scoring costs shapes x GPUs per
/// node); the weights are rebuilt every <see cref="RebuildEvery"/> observations, and <see cref="Version"/> changes then.
/// </remarks>
internal sealed class WorkloadMix
{
    public const int MaxShapes = 12;
    private const int RebuildEvery = 32;
    private const int MaxTracked = 1024;
    private readonly Dictionary<RequestShape, (ReplicaRequest Example, long Count)> _counts = [];
    private RequestShape? _lastShape;
    private ReplicaRequest? _lastRequest;
    private long _sinceRebuild;
    private long _total;

    /// <summary>Representative requests of the most frequent shapes.</summary>
    public ReplicaRequest[] Shapes { get; private set; } = [];

    /// <summary>Each shape's share of the requests seen, summing to 1 over <see cref="Shapes"/>.</summary>
    public double[] Weights { get; private set; } = [];

    public int Version { get; private set; }

    public void Observe(ReplicaRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Consecutive requests of one service share a shape; skip building the key for them.
        var shape = ReferenceEquals(request, _lastRequest) ? _lastShape! : RequestShape.Of(request);
        _lastRequest = request;
        _lastShape = shape;
        if (_counts.TryGetValue(shape, out var entry))
        {
            _counts[shape] = (entry.Example, entry.Count + 1);
        }
        else if (_counts.Count < MaxTracked)
        {
            _counts.Add(shape, (request, 1));
        }

        // Rebuild often while the mix is young, then less as it settles (every eighth of what was seen), so the
        // rebuild and the cache it invalidates land on well under 1% of decisions.
        _total++;
        if (++_sinceRebuild >= Math.Max(RebuildEvery, _total / 8) || Version < RebuildEvery)
        {
            Rebuild();
        }
    }

    private void Rebuild()
    {
        _sinceRebuild = 0;
        var top = _counts.Values.OrderByDescending(e => e.Count).ThenBy(e => e.Example.Name, StringComparer.Ordinal).Take(MaxShapes).ToArray();
        double total = top.Sum(e => e.Count);
        Shapes = [.. top.Select(e => e.Example)];
        Weights = [.. top.Select(e => e.Count / total)];
        Version++;
    }
}

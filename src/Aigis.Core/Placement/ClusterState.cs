using System.Numerics;

namespace Aigis.Core.Placement;

/// <summary>
/// The nodes and what is free on each: the one mutable structure placement works on. Policies read it; only the
/// scheduler (or a simulation) allocates and releases. Capacity can never go below zero: <see cref="Allocate"/>
/// refuses what does not fit.
/// </summary>
/// <remarks>
/// Free amounts live in flat arrays (GPUs of all nodes in one array, each node a slice) so a policy scanning a
/// thousand nodes touches a few contiguous arrays and allocates nothing. <see cref="Version"/> counts changes per
/// node, so a policy may cache a per-node score until the node changes.
/// </remarks>
internal sealed class ClusterState
{
    private readonly NodeSpec[] _nodes;
    private readonly int[] _freeCpu;
    private readonly long[] _freeMemory;
    private readonly int[] _gpuFree;
    private readonly int[] _gpuStart;
    private readonly bool[] _down;
    private readonly int[] _version;
    private readonly int[] _modelId;
    private readonly List<string?> _models = [];
    private readonly Dictionary<string, int> _serviceIds = new(StringComparer.Ordinal);
    private readonly Dictionary<(int Node, int Service), int> _perNode = [];

    public ClusterState(IReadOnlyList<NodeSpec> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        _nodes = [.. nodes];
        _freeCpu = new int[_nodes.Length];
        _freeMemory = new long[_nodes.Length];
        _gpuStart = new int[_nodes.Length + 1];
        _down = new bool[_nodes.Length];
        _version = new int[_nodes.Length];
        _modelId = new int[_nodes.Length];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < _nodes.Length; i++)
        {
            var node = _nodes[i];
            if (node.Problem() is { } problem)
            {
                throw new ArgumentException(problem, nameof(nodes));
            }

            if (!names.Add(node.Name))
            {
                throw new ArgumentException($"node {node.Name} appears twice", nameof(nodes));
            }

            _modelId[i] = InternModel(node.GpuModel);
            _freeCpu[i] = node.CpuMilli;
            _freeMemory[i] = node.MemoryMib;
            _gpuStart[i + 1] = _gpuStart[i] + node.Gpus;
            TotalGpuMilli += (long)node.Gpus * ReplicaRequest.WholeGpuMilli;
        }

        _gpuFree = new int[_gpuStart[^1]];
        Array.Fill(_gpuFree, ReplicaRequest.WholeGpuMilli);
    }

    public int NodeCount => _nodes.Length;

    /// <summary>GPU capacity of the nodes that are up, in thousandths.</summary>
    public long TotalGpuMilli { get; private set; }

    /// <summary>GPU capacity allocated on nodes that are up, in thousandths.</summary>
    public long AllocatedGpuMilli { get; private set; }

    public NodeSpec Node(int node) => _nodes[node];

    public bool IsUp(int node) => !_down[node];

    public int FreeCpu(int node) => _freeCpu[node];

    public long FreeMemory(int node) => _freeMemory[node];

    /// <summary>Free thousandths of each GPU of the node.</summary>
    public ReadOnlySpan<int> GpuFree(int node) => _gpuFree.AsSpan(_gpuStart[node], _nodes[node].Gpus);

    /// <summary>Changes whenever the node's free resources do.</summary>
    public int Version(int node) => _version[node];

    /// <summary>Replicas of the query's service on the node.</summary>
    public int ReplicasOf(int node, int serviceId) => _perNode.GetValueOrDefault((node, serviceId));

    public PlacementQuery Prepare(ReplicaRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!_serviceIds.TryGetValue(request.Service, out var id))
        {
            id = _serviceIds.Count;
            _serviceIds.Add(request.Service, id);
        }

        var accepted = ulong.MaxValue;
        if (request.Gpus > 0 && request.GpuModels.Count > 0)
        {
            accepted = 0;
            for (var m = 0; m < _models.Count; m++)
            {
                accepted |= request.AcceptsModel(_models[m]) ? 1UL << m : 0;
            }
        }

        return new PlacementQuery(request, id, accepted);
    }

    /// <summary>The node's GPU model as a small number (nodes without GPUs share one), for <see cref="PlacementQuery.AcceptedModels"/>.</summary>
    public int ModelId(int node) => _modelId[node];

    private int InternModel(string? model)
    {
        for (var m = 0; m < _models.Count; m++)
        {
            if (string.Equals(_models[m], model, StringComparison.OrdinalIgnoreCase))
            {
                return m;
            }
        }

        if (_models.Count == 64)
        {
            throw new ArgumentException("an inventory may have at most 64 GPU models");
        }

        _models.Add(model);
        return _models.Count - 1;
    }

    public FitStatus Fits(int node, in PlacementQuery query)
    {
        var request = query.Request;
        if (_down[node])
        {
            return FitStatus.NodeDown;
        }

        if ((query.AcceptedModels & (1UL << _modelId[node])) == 0)
        {
            return FitStatus.GpuModel;
        }

        if (_freeCpu[node] < request.CpuMilli)
        {
            return FitStatus.Cpu;
        }

        if (_freeMemory[node] < request.MemoryMib)
        {
            return FitStatus.Memory;
        }

        if (request.Gpus > 0 && !HasGpus(GpuFree(node), request))
        {
            return FitStatus.Gpu;
        }

        return request.MaxPerNode > 0 && ReplicasOf(node, query.ServiceId) >= request.MaxPerNode ? FitStatus.Spread : FitStatus.Fits;
    }

    /// <summary>True when <paramref name="gpuFree"/> can give the request its GPUs.</summary>
    public static bool HasGpus(ReadOnlySpan<int> gpuFree, ReplicaRequest request)
    {
        var need = request.MilliPerGpu;
        var found = 0;
        foreach (var free in gpuFree)
        {
            if (free >= need && ++found == request.Gpus)
            {
                return true;
            }
        }

        return request.Gpus == 0;
    }

    /// <summary>
    /// The GPUs the request would get on a node: whole GPUs from the fully free ones, a share from the GPU with the
    /// least room that still holds it (best fit), so shares pack onto one GPU and leave others whole.
    /// </summary>
    public static uint ChooseGpus(ReadOnlySpan<int> gpuFree, ReplicaRequest request)
    {
        if (request.Gpus == 0)
        {
            return 0;
        }

        if (request.IsGpuShare)
        {
            var best = -1;
            for (var g = 0; g < gpuFree.Length; g++)
            {
                if (gpuFree[g] >= request.GpuMilli && (best < 0 || gpuFree[g] < gpuFree[best]))
                {
                    best = g;
                }
            }

            return best < 0 ? 0 : 1u << best;
        }

        uint mask = 0;
        var taken = 0;
        for (var g = 0; g < gpuFree.Length && taken < request.Gpus; g++)
        {
            if (gpuFree[g] == ReplicaRequest.WholeGpuMilli)
            {
                mask |= 1u << g;
                taken++;
            }
        }

        return taken == request.Gpus ? mask : 0;
    }

    /// <summary>Takes the request's resources on the node. Throws when it does not fit: a policy chose badly, a bug.</summary>
    public PlacementAllocation Allocate(int node, in PlacementQuery query)
    {
        var status = Fits(node, query);
        if (status != FitStatus.Fits)
        {
            throw new InvalidOperationException($"{query.Request.Name} does not fit node {_nodes[node].Name}: {status}");
        }

        var request = query.Request;
        var mask = ChooseGpus(GpuFree(node), request);
        var allocation = new PlacementAllocation(node, request.CpuMilli, request.MemoryMib, mask, request.MilliPerGpu, query.ServiceId);
        Apply(allocation, -1);
        return allocation;
    }

    /// <summary>Gives back what an allocation holds. A no-op for a node that is down (its capacity left with it).</summary>
    public void Release(in PlacementAllocation allocation)
    {
        if (!_down[allocation.Node])
        {
            Apply(allocation, +1);
        }
    }

    /// <summary>Takes a node out: nothing more is placed on it and its GPUs leave the totals. The caller re-places what ran there.</summary>
    public void RemoveNode(int node)
    {
        if (_down[node])
        {
            return;
        }

        var gpus = GpuFree(node);
        long allocated = 0;
        foreach (var free in gpus)
        {
            allocated += ReplicaRequest.WholeGpuMilli - free;
        }

        AllocatedGpuMilli -= allocated;
        TotalGpuMilli -= (long)gpus.Length * ReplicaRequest.WholeGpuMilli;
        _down[node] = true;
        _version[node]++;
    }

    private void Apply(in PlacementAllocation allocation, int sign)
    {
        var node = allocation.Node;
        _freeCpu[node] += sign * allocation.CpuMilli;
        _freeMemory[node] += sign * allocation.MemoryMib;
        var mask = allocation.GpuMask;
        while (mask != 0)
        {
            var g = BitOperations.TrailingZeroCount(mask);
            mask &= mask - 1;
            _gpuFree[_gpuStart[node] + g] += sign * allocation.MilliPerGpu;
            AllocatedGpuMilli -= sign * allocation.MilliPerGpu;
        }

        var key = (node, allocation.ServiceId);
        var count = _perNode.GetValueOrDefault(key) - sign;
        if (count == 0)
        {
            _perNode.Remove(key);
        }
        else
        {
            _perNode[key] = count;
        }

        _version[node]++;
    }
}

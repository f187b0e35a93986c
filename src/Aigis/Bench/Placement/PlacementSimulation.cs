using Aigis.Bench.Routing.Simulation;
using Aigis.Core.Placement;

namespace Aigis.Bench.Placement;

/// <summary>
/// A discrete-event simulation of a cluster under one placement policy: replicas arrive and leave at their times,
/// and at mid-run the chosen nodes fail and what ran on them is placed again.
/// </summary>
/// <remarks>
/// Events are known in advance (arrivals, departures, the node loss), so they are sorted once and shared by every
/// policy's run. At equal times departures come first (freed capacity is usable at once), then the node loss, then
/// arrivals. A replica that finds no node at arrival fails and is not retried. Allocation and fragmentation are
/// read right after the last arrival, the moment the cluster is fullest.
/// </remarks>
internal sealed class PlacementSimulation
{
    private readonly IReadOnlyList<NodeSpec> _nodes;
    private readonly ReplicaRequest[] _requests;
    private readonly double?[] _untilS;
    private readonly (double Time, int Kind, int Replica)[] _events;
    private readonly int[] _removed;
    private readonly TimeProvider _time;

    private const int Departure = 0;
    private const int NodeLoss = 1;
    private const int Arrival = 2;

    /// <param name="removed">Indexes of the nodes that fail at mid-run (the same for every policy).</param>
    /// <param name="time">Measures how long each decision takes (the real clock: that is the figure reported).</param>
    public PlacementSimulation(IReadOnlyList<NodeSpec> nodes, IReadOnlyList<ReplicaLine> replicas, int[] removed, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(replicas);
        _nodes = nodes;
        _removed = removed;
        _time = time;
        _requests = [.. replicas.Select(PlacementFiles.ToRequest)];
        _untilS = [.. replicas.Select(r => r.UntilS)];
        var events = new List<(double, int, int)>(replicas.Count * 2 + 1);
        for (var i = 0; i < replicas.Count; i++)
        {
            events.Add((replicas[i].AtS, Arrival, i));
            if (replicas[i].UntilS is { } until)
            {
                events.Add((until, Departure, i));
            }
        }

        if (removed.Length > 0)
        {
            events.Add(((replicas[0].AtS + replicas[^1].AtS) / 2, NodeLoss, -1));
        }

        _events = [.. events.OrderBy(e => e.Item1).ThenBy(e => e.Item2).ThenBy(e => e.Item3)];

    }

    public int Requested => _requests.Length;

    public PlacementRun Run(IPlacementPolicy policy)
    {
        var cluster = new ClusterState(_nodes);
        var scheduler = new PlacementScheduler(cluster, policy);
        var allocations = new PlacementAllocation[_requests.Length];
        var running = new bool[_requests.Length];
        var decideUs = new double[_requests.Length + _requests.Length];
        var decisions = 0;
        var placed = 0;
        var moved = 0;
        var lost = 0;
        double idealMoved = 0;
        double allocRatio = 0;
        double fragGpus = 0;
        var lastArrival = _events.Last(e => e.Kind == Arrival).Replica;
        var reasons = new Dictionary<FitStatus, int>();
        var pending = new List<int>();
        foreach (var (now, kind, index) in _events)
        {
            switch (kind)
            {
                case Departure when running[index]:
                    scheduler.Remove(allocations[index]);
                    running[index] = false;
                    break;
                case NodeLoss:
                    (moved, lost, idealMoved) = LoseNodes(scheduler, allocations, running, decideUs, ref decisions);
                    break;
                case Arrival:
                    var result = Place(scheduler, _requests[index], decideUs, ref decisions);
                    if (result.IsPlaced)
                    {
                        allocations[index] = result.Allocation;
                        running[index] = true;
                        placed++;
                    }
                    else
                    {
                        pending.Add(index);
                        var reason = result.Failure!.MainReason;
                        reasons[reason] = reasons.GetValueOrDefault(reason) + 1;
                    }

                    if (index == lastArrival)
                    {
                        allocRatio = cluster.TotalGpuMilli == 0 ? 0 : (double)cluster.AllocatedGpuMilli / cluster.TotalGpuMilli;
                        fragGpus = FragmentedGpus(cluster, PendingShapes(pending, now));
                    }

                    break;
            }
        }

        Array.Sort(decideUs, 0, decisions);
        return new PlacementRun(policy.Name, _requests.Length, placed, _requests.Length - placed, allocRatio, fragGpus, moved, Percentiles.Of(decideUs.AsSpan(0, decisions), 0.99))
        {
            DecideUsP50 = Percentiles.Of(decideUs.AsSpan(0, decisions), 0.50),
            Lost = lost,
            IdealMoved = idealMoved,
            FailuresByReason = reasons,
        };
    }

    private PlacementResult Place(PlacementScheduler scheduler, ReplicaRequest request, double[] decideUs, ref int decisions)
    {
        var started = _time.GetTimestamp();
        var result = scheduler.Place(request);
        decideUs[decisions++] = _time.GetElapsedTime(started).TotalMicroseconds;
        return result;
    }

    private (int Moved, int Lost, double Ideal) LoseNodes(PlacementScheduler scheduler, PlacementAllocation[] allocations, bool[] running, double[] decideUs, ref int decisions)
    {
        var cluster = scheduler.Cluster;
        var runningBefore = running.Count(r => r);
        foreach (var node in _removed)
        {
            cluster.RemoveNode(node);
        }

        int moved = 0, lost = 0;
        for (var i = 0; i < running.Length; i++)
        {
            if (!running[i] || cluster.IsUp(allocations[i].Node))
            {
                continue;
            }

            var result = Place(scheduler, _requests[i], decideUs, ref decisions);
            running[i] = result.IsPlaced;
            allocations[i] = result.Allocation;
            _ = result.IsPlaced ? moved++ : lost++;
        }

        return (moved, lost, (double)runningBefore * _removed.Length / cluster.NodeCount);
    }

    /// <summary>
    /// The request types still waiting at <paramref name="now"/>: replicas that found no node and have not reached
    /// their end, as Kubernetes calls unscheduled pods pending. Only types that need a GPU: one that needs none does
    /// not make a free GPU usable.
    /// </summary>
    private ReplicaRequest[] PendingShapes(List<int> failed, double now) =>
        [.. failed.Select(i => _requests[i]).Where((r, k) => r.Gpus > 0 && (_untilS[failed[k]] is not { } until || until > now)).GroupBy(RequestShape.Of).Select(g => g.First())];

    /// <summary>
    /// GPUs free on nodes where not one pending request type fits now (each type checked on CPU, memory, GPU model
    /// and GPUs): capacity the waiting demand cannot use, in GPUs (shares count as their fraction). Nothing pending,
    /// nothing stranded: 0.
    /// </summary>
    private static double FragmentedGpus(ClusterState cluster, ReplicaRequest[] pending)
    {
        if (pending.Length == 0)
        {
            return 0;
        }

        long stranded = 0;
        for (var n = 0; n < cluster.NodeCount; n++)
        {
            var gpus = cluster.GpuFree(n);
            if (!cluster.IsUp(n) || gpus.IsEmpty)
            {
                continue;
            }

            long free = 0;
            foreach (var milli in gpus)
            {
                free += milli;
            }

            if (free > 0 && !AnyFits(cluster, n, gpus, pending))
            {
                stranded += free;
            }
        }

        return stranded / 1000.0;
    }

    private static bool AnyFits(ClusterState cluster, int node, ReadOnlySpan<int> gpus, ReplicaRequest[] pending)
    {
        var model = cluster.Node(node).GpuModel;
        foreach (var shape in pending)
        {
            if (cluster.FreeCpu(node) >= shape.CpuMilli && cluster.FreeMemory(node) >= shape.MemoryMib
                && shape.AcceptsModel(model) && ClusterState.HasGpus(gpus, shape))
            {
                return true;
            }
        }

        return false;
    }
}

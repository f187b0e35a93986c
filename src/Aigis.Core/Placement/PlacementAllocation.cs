namespace Aigis.Core.Placement;

/// <summary>Where a replica was placed and what it holds there, so the same amounts can be given back.</summary>
/// <param name="Node">Index into the cluster's nodes.</param>
/// <param name="GpuMask">Bit i set: the replica holds <paramref name="MilliPerGpu"/> of the node's GPU i.</param>
internal readonly record struct PlacementAllocation(int Node, int CpuMilli, long MemoryMib, uint GpuMask, int MilliPerGpu, int ServiceId);

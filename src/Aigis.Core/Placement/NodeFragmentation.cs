namespace Aigis.Core.Placement;

/// <summary>
/// FGD's fragmentation measure (Weng et al., "Beware of Fragmentation", USENIX ATC '23): of a node's free GPU
/// capacity, how much the expected mix of requests could not use, in thousandths of a GPU, weighted by the mix.
/// </summary>
/// <remarks>
/// For one request shape: if it cannot run on the node at all (CPU, memory, GPU model or not enough GPU), every
/// free GPU thousandth counts as fragmented; if it can, the GPUs whose free part is smaller than what it takes per
/// GPU count (a partial GPU for a whole-GPU request, a sliver below the share for a shared one). A shape without
/// GPUs that fits counts nothing. The node's fragmentation is the mix-weighted sum.
/// </remarks>
internal static class NodeFragmentation
{
    public static double Of(ReadOnlySpan<int> gpuFree, int freeCpu, long freeMemory, int modelId, ReadOnlySpan<PlacementQuery> shapes, ReadOnlySpan<double> weights)
    {
        long totalFree = 0;
        foreach (var free in gpuFree)
        {
            totalFree += free;
        }

        if (totalFree == 0)
        {
            return 0;
        }

        double fragmented = 0;
        for (var m = 0; m < shapes.Length; m++)
        {
            fragmented += weights[m] * ForShape(gpuFree, totalFree, freeCpu, freeMemory, modelId, shapes[m]);
        }

        return fragmented;
    }

    private static long ForShape(ReadOnlySpan<int> gpuFree, long totalFree, int freeCpu, long freeMemory, int modelId, in PlacementQuery query)
    {
        var shape = query.Request;
        var runs = freeCpu >= shape.CpuMilli
            && freeMemory >= shape.MemoryMib
            && (query.AcceptedModels & (1UL << modelId)) != 0
            && ClusterState.HasGpus(gpuFree, shape);
        if (!runs)
        {
            return totalFree;
        }

        if (shape.Gpus == 0)
        {
            return 0;
        }

        var need = shape.MilliPerGpu;
        long stranded = 0;
        foreach (var free in gpuFree)
        {
            if (free < need)
            {
                stranded += free;
            }
        }

        return stranded;
    }
}

namespace Aigis.Core.Placement;

/// <summary>A kind of replica by what it asks of a node (not by name or service): the unit of a workload mix.</summary>
internal sealed record RequestShape(int CpuMilli, long MemoryMib, int Gpus, int MilliPerGpu, string ModelsKey)
{
    /// <summary>The request's shape; <paramref name="request"/> stands for it when checking fits.</summary>
    public static RequestShape Of(ReplicaRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var models = request.GpuModels.Count == 0 ? string.Empty : string.Join(',', request.GpuModels);
        return new RequestShape(request.CpuMilli, request.MemoryMib, request.Gpus, request.Gpus == 0 ? 0 : request.MilliPerGpu, models);
    }
}

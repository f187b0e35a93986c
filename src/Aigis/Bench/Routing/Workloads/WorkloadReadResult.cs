namespace Aigis.Bench.Routing.Workloads;

/// <summary>A workload read from a file, or the one-line reason it could not be (naming the file and line).</summary>
internal readonly record struct WorkloadReadResult(Workload? Workload, string? Error)
{
    public static WorkloadReadResult Success(Workload workload) => new(workload, null);

    public static WorkloadReadResult Failure(string error) => new(null, error);
}

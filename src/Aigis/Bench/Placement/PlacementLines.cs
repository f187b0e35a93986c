using System.Text.Json.Serialization;

namespace Aigis.Bench.Placement;

/// <summary>One line of a nodes file: <c>{"name","cpu_milli","memory_mib","gpus","gpu_model"}</c>.</summary>
internal sealed record NodeLine(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("cpu_milli")] int CpuMilli,
    [property: JsonPropertyName("memory_mib")] long MemoryMib,
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("gpu_model")] string? GpuModel);

/// <summary>
/// One line of a placement workload: <c>{"at_s","name","service","cpu_milli","memory_mib","gpus","gpu_milli","gpu_models":[],"until_s"}</c>;
/// <c>until_s</c> null means the replica never leaves. <c>max_per_node</c> (optional) is the service's spread rule.
/// </summary>
internal sealed record ReplicaLine(
    [property: JsonPropertyName("at_s")] double AtS,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("service")] string? Service,
    [property: JsonPropertyName("cpu_milli")] int CpuMilli,
    [property: JsonPropertyName("memory_mib")] long MemoryMib,
    [property: JsonPropertyName("gpus")] int Gpus,
    [property: JsonPropertyName("gpu_milli")] int GpuMilli,
    [property: JsonPropertyName("gpu_models")] string[]? GpuModels,
    [property: JsonPropertyName("until_s")] double? UntilS,
    [property: JsonPropertyName("max_per_node")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int MaxPerNode = 0);

/// <summary>One policy's result as <c>--json</c> prints it: the fields DESIGN.md fixes.</summary>
internal sealed record PlacementResultLine(
    [property: JsonPropertyName("policy")] string Policy,
    [property: JsonPropertyName("requested")] int Requested,
    [property: JsonPropertyName("placed")] int Placed,
    [property: JsonPropertyName("failed")] int Failed,
    [property: JsonPropertyName("gpu_alloc_ratio")] double GpuAllocRatio,
    [property: JsonPropertyName("frag_gpus")] double FragGpus,
    [property: JsonPropertyName("moved")] int Moved,
    [property: JsonPropertyName("decide_us_p99")] double DecideUsP99);

/// <summary>What the placement benchmark reads and writes, without run-time reflection; unknown fields are refused so a misspelt one is not silently ignored.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(NodeLine))]
[JsonSerializable(typeof(ReplicaLine))]
[JsonSerializable(typeof(PlacementResultLine))]
internal sealed partial class PlacementJsonContext : JsonSerializerContext;

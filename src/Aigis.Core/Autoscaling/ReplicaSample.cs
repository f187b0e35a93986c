namespace Aigis.Core.Autoscaling;

/// <summary>
/// What one replica showed at the last look. A metric the replica did not report (a failed scrape, a replica still
/// starting) is null, never zero: the policies treat missing and idle differently.
/// </summary>
/// <param name="Ready">Serving traffic (started and healthy).</param>
/// <param name="InFlight">Requests the gateway has open on it.</param>
/// <param name="Waiting">Its queue (<c>vllm:num_requests_waiting</c>).</param>
/// <param name="KvCacheUsage">Its KV cache in use, 0 to 1 (<c>vllm:kv_cache_usage_perc</c>).</param>
internal readonly record struct ReplicaSample(bool Ready, double? InFlight, double? Waiting = null, double? KvCacheUsage = null);

namespace Aigis.Core.Routing;

/// <summary>
/// An instance's load as last scraped from its <c>/metrics</c>, with when it was scraped and how many requests
/// this gateway had in flight to it then, so a policy can correct a stale reading by what it sent since.
/// </summary>
/// <param name="Waiting">vllm:num_requests_waiting.</param>
/// <param name="Running">vllm:num_requests_running.</param>
/// <param name="KvCacheUsage">vllm:kv_cache_usage_perc, 0 to 1.</param>
/// <param name="ScrapedAt">Monotonic timestamp (TimeProvider.GetTimestamp) of the scrape.</param>
/// <param name="InFlightAtScrape">This gateway's in-flight count to the instance at the scrape.</param>
public sealed record InstanceLoad(double Waiting, double Running, double KvCacheUsage, long ScrapedAt, int InFlightAtScrape);

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Aigis.Core.Caching;

namespace Aigis.Caching;

/// <summary>One service's cache state: its store and its requests in flight.</summary>
internal sealed record ServiceCache(ResponseCacheOptions Options, ResponseStore Store, InflightRequests Inflight);

/// <summary>
/// Every service's exact cache, kept across reloads: a reload that leaves a service's <c>cache</c> section as it was
/// keeps its entries; one that changes it starts that service's cache afresh (its bound, TTL or scope may differ).
/// </summary>
internal sealed class ResponseCaches(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ServiceCache> _services = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The cache of <paramref name="service"/> under <paramref name="options"/>; made on its first request.</summary>
    public ServiceCache For(string service, ResponseCacheOptions options)
    {
        // The common case: the same options object as the last request, one dictionary lookup.
        if (_services.TryGetValue(service, out var cache) && ReferenceEquals(cache.Options, options))
        {
            return cache;
        }

        lock (_gate)
        {
            if (_services.TryGetValue(service, out cache))
            {
                if (ReferenceEquals(cache.Options, options))
                {
                    return cache;
                }

                if (cache.Options == options)
                {
                    // A reload that did not touch this section: same entries, the new options object for the fast path.
                    return _services[service] = cache with { Options = options };
                }
            }

            return _services[service] = new ServiceCache(options, new ResponseStore(options, time), new InflightRequests());
        }
    }

    /// <summary>The cache of <paramref name="service"/>, if it had a request since its section last changed.</summary>
    public bool TryGet(string service, out ServiceCache cache) => _services.TryGetValue(service, out cache!);

    /// <summary>Registers the cache gauges on <paramref name="meter"/> (the host's gateway meter).</summary>
    public void Observe(Meter meter)
    {
        meter.CreateObservableGauge("aigis.cache.size", () => Each(static c => c.Store.Bytes), "By", "Bytes the service's exact cache holds (answers and bookkeeping).");
        meter.CreateObservableGauge("aigis.cache.entries", () => Each(static c => (long)c.Store.Count), "{entry}", "Answers the service's exact cache holds.");
        meter.CreateObservableCounter("aigis.cache.evictions", () => Each(static c => c.Store.Evictions), "{entry}", "Answers dropped to keep the cache within its byte bound.");
    }

    private IEnumerable<Measurement<long>> Each(Func<ServiceCache, long> read)
    {
        foreach (var (service, cache) in _services)
        {
            yield return new Measurement<long>(read(cache), new KeyValuePair<string, object?>("service", service));
        }
    }
}

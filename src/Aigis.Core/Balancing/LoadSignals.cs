using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Per-instance queue and KV estimates from what a deployment shows: scraped metrics corrected by what this gateway
/// sent since the scrape, or, when any instance's scrape is missing or stale, the gateway's own in-flight counts
/// for all of them (mixing the two would compare different things).
/// </summary>
internal static class LoadSignals
{
    /// <returns>True when scraped metrics were used; false when the estimates are in-flight counts and KV is 0.</returns>
    public static bool Estimate(ReadOnlySpan<UpstreamInstance> instances, Span<double> queue, Span<double> kv, TimeProvider time, TimeSpan staleAfter)
    {
        var now = time.GetTimestamp();
        var fresh = true;
        for (var i = 0; i < instances.Length && fresh; i++)
        {
            var load = instances[i].Load;
            fresh = load is not null && time.GetElapsedTime(load.ScrapedAt, now) <= staleAfter;
        }

        for (var i = 0; i < instances.Length; i++)
        {
            var instance = instances[i];
            var inFlight = instance.InFlight;
            if (fresh)
            {
                var load = instance.Load!;

                // Requests sent since the scrape are not in it yet; they are at least queued.
                queue[i] = load.Waiting + Math.Max(0, inFlight - load.InFlightAtScrape);
                kv[i] = load.KvCacheUsage;
            }
            else
            {
                queue[i] = inFlight;
                kv[i] = 0;
            }
        }

        return fresh;
    }
}

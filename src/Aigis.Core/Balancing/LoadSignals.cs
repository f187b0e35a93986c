using Aigis.Core.Routing;

namespace Aigis.Core.Balancing;

/// <summary>
/// Per-instance queue and KV estimates from what a deployment shows: scraped metrics corrected by what this gateway
/// sent since the scrape, or, when any instance's scrape is missing or stale, the gateway's own in-flight counts
/// for all of them (mixing the two would compare different things).
/// </summary>
internal static class LoadSignals
{
    /// <returns>
    /// Whether scraped metrics were used (else the estimates are in-flight counts and KV is 0), and the longest
    /// (at least 1, to divide by) and shortest queue estimate.
    /// </returns>
    public static (bool Fresh, double MaxQueue, double MinQueue) Estimate(ReadOnlySpan<UpstreamInstance> instances, Span<double> queue, Span<double> kv, TimeProvider time, TimeSpan staleAfter)
    {
        // Staleness in raw timestamp units, computed once: no TimeSpan arithmetic per instance.
        var now = time.GetTimestamp();
        var staleTicks = (long)(staleAfter.TotalSeconds * time.TimestampFrequency);
        var fresh = true;
        for (var i = 0; i < instances.Length; i++)
        {
            var instance = instances[i];
            var inFlight = instance.InFlight;
            var load = instance.Load;
            if (fresh && load is not null && now - load.ScrapedAt <= staleTicks)
            {
                // Requests sent since the scrape are not in it yet; they are at least queued.
                queue[i] = load.Waiting + Math.Max(0, inFlight - load.InFlightAtScrape);
                kv[i] = load.KvCacheUsage;
            }
            else
            {
                fresh = false;
                queue[i] = inFlight;
                kv[i] = 0;
            }
        }

        if (!fresh)
        {
            // One reading was missing or stale: in-flight counts for everyone.
            for (var i = 0; i < instances.Length; i++)
            {
                queue[i] = instances[i].InFlight;
                kv[i] = 0;
            }
        }

        var max = 1.0;
        var min = double.MaxValue;
        foreach (var q in queue)
        {
            max = Math.Max(max, q);
            min = Math.Min(min, q);
        }

        return (fresh, max, min);
    }
}

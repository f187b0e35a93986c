namespace Aigis.Caching;

/// <summary>
/// What the cache did with a request: the <c>result</c> label of <c>aigis_cache_results_total</c> and the access
/// log's <c>cache</c> field. A bounded set: these are label values.
/// </summary>
internal static class CacheResults
{
    /// <summary>Answered from the cache.</summary>
    public const string Hit = "hit";

    /// <summary>Went upstream; the answer was stored if it could be.</summary>
    public const string Miss = "miss";

    /// <summary>Not cacheable (not deterministic, <c>bypass</c>, <c>no-store</c>): went upstream, nothing read or stored.</summary>
    public const string Bypass = "bypass";

    /// <summary>Answered by an identical request in flight (single flight): no upstream call of its own.</summary>
    public const string Coalesced = "coalesced";

    /// <summary>
    /// The <c>x-aigis-cache</c> response header: <c>hit</c>, <c>miss</c> or <c>bypass</c>. A coalesced follower made
    /// no upstream call of its own, so for the caller it is a hit.
    /// </summary>
    public static string HeaderValue(string? result) => result switch
    {
        Coalesced => Hit,
        null => Bypass,
        _ => result,
    };
}

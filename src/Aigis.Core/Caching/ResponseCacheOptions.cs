namespace Aigis.Core.Caching;

/// <summary>Whose answers a cached entry may serve.</summary>
public enum CacheScope
{
    /// <summary>Entries are keyed by tenant: one tenant can never read, or probe for, another's prompts (the default).</summary>
    Tenant,

    /// <summary>Every tenant shares the entries (<c>scope: shared</c>): for public, non-sensitive prompts only.</summary>
    Shared,
}

/// <summary>Which requests of a service the cache may answer.</summary>
public enum CacheableRequests
{
    /// <summary>
    /// Only requests whose answer does not vary: <c>temperature: 0</c>, a <c>seed</c>, embeddings, or a caller asking
    /// with <c>x-aigis-cache: use</c> (the default).
    /// </summary>
    Deterministic,

    /// <summary>Every request: the service is marked cacheable (its answers are taken as fixed for the TTL).</summary>
    All,
}

/// <summary>How the cache chooses what to keep when it is full.</summary>
public enum CacheEvictionPolicy
{
    /// <summary>W-TinyLFU (BitFaster's <c>ConcurrentLfu</c>): frequency-aware admission, resists one-off scans.</summary>
    Lfu,

    /// <summary>Least recently used (BitFaster's <c>ConcurrentLru</c>).</summary>
    Lru,
}

/// <summary>
/// A service's <c>cache</c> section: the exact response cache and the coalescing of identical requests in flight.
/// Off unless <see cref="Enabled"/>. Bounds are checked at config load (<c>Yaml/CacheSectionBinder</c>).
/// </summary>
public sealed record ResponseCacheOptions
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(10);
    public const long DefaultMaxBytes = 64L * 1024 * 1024;
    public const long DefaultMaxEntryBytes = 1024 * 1024;

    public bool Enabled { get; init; }

    public CacheScope Scope { get; init; } = CacheScope.Tenant;

    public CacheableRequests Requests { get; init; } = CacheableRequests.Deterministic;

    /// <summary>How long an answer is served from the cache after it was stored.</summary>
    public TimeSpan Ttl { get; init; } = DefaultTtl;

    /// <summary>The service's cache holds at most this many bytes of answers (keys and bookkeeping counted in).</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>A larger answer is served but not stored.</summary>
    public long MaxEntryBytes { get; init; } = DefaultMaxEntryBytes;

    public CacheEvictionPolicy Policy { get; init; } = CacheEvictionPolicy.Lfu;

    /// <summary>Identical cacheable requests in flight together go upstream once (single flight).</summary>
    public bool Coalesce { get; init; } = true;
}

using System.Collections.Concurrent;
using Aigis.Core.Identity;
using Aigis.Store;

namespace Aigis.Identity;

/// <summary>
/// Keys by id for the hot path, so an authenticated request costs a dictionary lookup and a SHA-256, not a
/// query. Ids that do not exist are remembered too (briefly), so a client repeating a bad key does not reach
/// the store on every request.
/// </summary>
/// <remarks>
/// <para>
/// Revocation and rotation call <see cref="Invalidate"/> after writing the store and before answering the
/// admin, so the very next request reloads the key. A lookup that read the store before that write could
/// otherwise put the stale key back after the invalidation; every load therefore carries the
/// <see cref="Generation"/> it started at, and an entry whose load raced an invalidation is dropped again.
/// </para>
/// <para>
/// Entries expire after a time to live, so changes made by another process on the same store (another gateway
/// replica) are seen within it. Both maps are bounded: known keys cannot be inflated by a caller (only real keys
/// enter), and the map of unknown ids, which a caller can fill with guesses, is simply emptied when full.
/// </para>
/// </remarks>
internal sealed class ApiKeyCache
{
    private readonly ConcurrentDictionary<string, CachedKey> _known = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedKey> _unknown = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CachedKey>.AlternateLookup<ReadOnlySpan<char>> _knownBySpan;
    private readonly ConcurrentDictionary<string, CachedKey>.AlternateLookup<ReadOnlySpan<char>> _unknownBySpan;
    private readonly TimeProvider _timeProvider;
    private readonly ApiKeyCacheOptions _options;
    private long _generation;

    private readonly Func<string, TenantDefinition?> _tenantOf;

    /// <param name="tenantOf">The tenant of a loaded key, for its priority and highest role; none: every key as it is stored.</param>
    public ApiKeyCache(TimeProvider timeProvider, ApiKeyCacheOptions? options = null, Func<string, TenantDefinition?>? tenantOf = null)
    {
        _timeProvider = timeProvider;
        _tenantOf = tenantOf ?? (static _ => null);
        _options = options ?? new ApiKeyCacheOptions();
        _knownBySpan = _known.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownBySpan = _unknown.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>Changes at every invalidation; a load started under an older generation is not trusted.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public int Count => _known.Count + _unknown.Count;

    public bool TryGet(ReadOnlySpan<char> id, out CachedKey entry)
    {
        var now = _timeProvider.GetTimestamp();
        if (_knownBySpan.TryGetValue(id, out entry!) && _timeProvider.GetElapsedTime(entry.LoadedAt, now) < _options.KnownTimeToLive)
        {
            return true;
        }

        return _unknownBySpan.TryGetValue(id, out entry!) && _timeProvider.GetElapsedTime(entry.LoadedAt, now) < _options.UnknownTimeToLive;
    }

    /// <summary>Remembers what the store said about <paramref name="id"/> (null: no such key), unless an invalidation raced the load.</summary>
    public CachedKey Add(string id, StoredApiKey? key, long generationAtLoad)
    {
        var entry = new CachedKey(key, key is null ? null : _tenantOf(key.Tenant), _timeProvider.GetTimestamp());
        if (Generation != generationAtLoad)
        {
            return entry;
        }

        var map = key is null ? _unknown : _known;
        if (map.Count >= (key is null ? _options.MaxUnknown : _options.MaxKnown))
        {
            map.Clear();
        }

        map[id] = entry;
        if (Generation != generationAtLoad)
        {
            // Invalidated between the check and the write: take back exactly this entry, not a newer one.
            map.TryRemove(new KeyValuePair<string, CachedKey>(id, entry));
        }

        return entry;
    }

    /// <summary>Forgets every key at once: a tenant changed, and the identities built from it with it.</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        _known.Clear();
        _unknown.Clear();
    }

    /// <summary>Forgets <paramref name="id"/> at once: the next request with it goes to the store.</summary>
    public void Invalidate(string id)
    {
        Interlocked.Increment(ref _generation);
        _known.TryRemove(id, out _);
        _unknown.TryRemove(id, out _);
    }
}

/// <summary>What the store said about one key id, and when; <see cref="Key"/> is null for an id that does not exist.</summary>
internal sealed class CachedKey(StoredApiKey? key, TenantDefinition? tenant, long loadedAt)
{
    public StoredApiKey? Key { get; } = key;

    /// <summary>
    /// Built once per load, so authenticated requests share it instead of allocating one each. The role is the
    /// lower of the key's and its tenant's (a user tenant's admin key acts as a user); the priority is the tenant's.
    /// </summary>
    public CallerIdentity? Identity { get; } = key is null ? null : new CallerIdentity(
        key.Id, key.Name, key.Tenant,
        tenant is { Role: KeyRole.User } ? KeyRole.User : key.Role,
        tenant?.Priority ?? TenantPriority.Normal);

    public long LoadedAt { get; } = loadedAt;
}

internal sealed record ApiKeyCacheOptions
{
    /// <summary>How long a loaded key is trusted without asking the store; changes made through this process apply at once.</summary>
    public TimeSpan KnownTimeToLive { get; init; } = TimeSpan.FromSeconds(60);

    public TimeSpan UnknownTimeToLive { get; init; } = TimeSpan.FromSeconds(10);

    public int MaxKnown { get; init; } = 100_000;

    public int MaxUnknown { get; init; } = 10_000;
}

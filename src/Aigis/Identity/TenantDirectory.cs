using System.Collections.Frozen;
using System.Data.Common;
using Aigis.Core.Identity;
using Aigis.Store;
using Microsoft.Extensions.Logging;

namespace Aigis.Identity;

/// <summary>
/// Every tenant, compiled for the hot path: an immutable snapshot swapped whole on each change, so a request
/// reads it with one dictionary lookup and no lock.
/// </summary>
/// <remarks>
/// Changes made through this process's admin API reload it before they are answered. Changes made by another
/// process on the same store (another gateway replica) are picked up when the snapshot is older than
/// <see cref="TimeToLive"/>: the request that notices starts a reload in the background and goes on with the
/// snapshot it has, so no request ever waits for the store here.
/// </remarks>
internal sealed partial class TenantDirectory(ITenantStore store, TimeProvider timeProvider, ILogger logger)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(30);

    private volatile Snapshot _snapshot = new(FrozenDictionary<string, TenantAccess>.Empty, long.MinValue);
    private int _reloading;

    /// <summary>Raised after a reload that changed anything.</summary>
    public event Action? Changed;

    public IReadOnlyCollection<TenantAccess> All => _snapshot.Tenants.Values;

    /// <summary>The tenant named <paramref name="name"/>, or null when there is none.</summary>
    public TenantAccess? Find(string name)
    {
        var snapshot = _snapshot;
        if (snapshot.LoadedAt != long.MinValue && timeProvider.GetElapsedTime(snapshot.LoadedAt) >= TimeToLive && Interlocked.Exchange(ref _reloading, 1) == 0)
        {
            _ = Task.Run(ReloadInBackgroundAsync);
        }

        return snapshot.Tenants.GetValueOrDefault(name);
    }

    public TenantDefinition? Definition(string name) => Find(name)?.Tenant;

    /// <summary>Reads every tenant from the store and swaps them in.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = await store.ListTenantsAsync(cancellationToken);
        var previous = _snapshot.Tenants;
        var tenants = stored.ToFrozenDictionary(
            t => t.Name,
            t => previous.TryGetValue(t.Name, out var old) && old.Tenant.SameAs(t.Definition) ? old : new TenantAccess(t.Definition),
            StringComparer.Ordinal);
        var changed = tenants.Count != previous.Count || tenants.Any(t => !previous.TryGetValue(t.Key, out var old) || !ReferenceEquals(old, t.Value));
        _snapshot = new Snapshot(tenants, timeProvider.GetTimestamp());
        if (changed)
        {
            Changed?.Invoke();
        }
    }

    private async Task ReloadInBackgroundAsync()
    {
        try
        {
            await ReloadAsync(CancellationToken.None);
        }
        catch (DbException e)
        {
            // The store is the boundary: keep serving the snapshot we have and try again at the next stale read.
            Log.ReloadFailed(logger, e);
        }
        finally
        {
            Volatile.Write(ref _reloading, 0);
        }
    }

    private sealed record Snapshot(FrozenDictionary<string, TenantAccess> Tenants, long LoadedAt);

    private static partial class Log
    {
        [LoggerMessage(62, LogLevel.Warning, "Could not reload the tenants from the store; serving the ones loaded before")]
        public static partial void ReloadFailed(ILogger logger, Exception exception);
    }
}

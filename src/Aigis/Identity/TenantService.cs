using System.Globalization;
using System.Text;
using Aigis.Core.Identity;
using Aigis.Store;

namespace Aigis.Identity;

internal enum TenantChange
{
    Done,
    NotFound,
    Exists,

    /// <summary>A key that is not revoked still belongs to the tenant.</summary>
    HasKeys,

    /// <summary>The default tenant holds the first admin key and is where keys go when none is named.</summary>
    Protected,

    /// <summary>Demoting the tenant to <c>user</c> would leave no usable admin key, and so no way back into the admin API.</summary>
    LastAdminTenant,
}

/// <summary>
/// Creates, changes and deletes tenants: writes the store, reloads the <see cref="TenantDirectory"/> and
/// forgets cached keys (their identities carry the tenant's priority and role) before answering, and audits
/// each change with the whole new definition (names, patterns and numbers; tenants hold no secret).
/// </summary>
internal sealed class TenantService(ITenantStore store, IKeyStore keys, TenantDirectory directory, ApiKeyCache keyCache, AuditWriter audit, TimeProvider timeProvider)
{
    public Task<IReadOnlyList<StoredTenant>> ListAsync(CancellationToken cancellationToken) => store.ListTenantsAsync(cancellationToken);

    public Task<StoredTenant?> FindAsync(string name, CancellationToken cancellationToken) => store.FindTenantAsync(name, cancellationToken);

    public async Task<(TenantChange Change, StoredTenant? Tenant)> CreateAsync(TenantDefinition definition, AuditActor actor, CancellationToken cancellationToken)
    {
        var now = Now();
        var stored = new StoredTenant(definition, now, now, actor.Actor);
        if (!await store.InsertTenantAsync(stored, cancellationToken))
        {
            return (TenantChange.Exists, await store.FindTenantAsync(definition.Name, cancellationToken));
        }

        await AppliedAsync(AuditActions.TenantCreated, definition.Name, Describe(definition), actor, now, cancellationToken);
        return (TenantChange.Done, stored);
    }

    /// <summary>Creates the tenant unless one with its name exists; true when it was created. For the demo's tenant.</summary>
    public async Task<bool> EnsureAsync(TenantDefinition definition, CancellationToken cancellationToken) =>
        (await CreateAsync(definition, AuditActor.System, cancellationToken)).Change == TenantChange.Done;

    /// <summary>Applies <paramref name="change"/> to the stored definition (its name cannot change).</summary>
    public async Task<(TenantChange Change, StoredTenant? Tenant)> UpdateAsync(string name, Func<TenantDefinition, TenantDefinition> change, AuditActor actor, CancellationToken cancellationToken)
    {
        if (await store.FindTenantAsync(name, cancellationToken) is not { } current)
        {
            return (TenantChange.NotFound, null);
        }

        var now = Now();
        var updated = current with { Definition = change(current.Definition) with { Name = name }, UpdatedAt = now };
        if (current.Definition.Role == KeyRole.Admin && updated.Definition.Role == KeyRole.User && !await AdminKeyRemainsAsync(name, now, cancellationToken))
        {
            return (TenantChange.LastAdminTenant, current);
        }

        if (!await store.UpdateTenantAsync(updated, cancellationToken))
        {
            return (TenantChange.NotFound, null);
        }

        await AppliedAsync(AuditActions.TenantUpdated, name, Describe(updated.Definition), actor, now, cancellationToken);
        return (TenantChange.Done, updated);
    }

    public async Task<TenantChange> DeleteAsync(string name, AuditActor actor, CancellationToken cancellationToken)
    {
        if (name == TenantDefinition.DefaultName)
        {
            return TenantChange.Protected;
        }

        switch (await store.DeleteTenantAsync(name, cancellationToken))
        {
            case TenantDeletion.NotFound:
                return TenantChange.NotFound;
            case TenantDeletion.HasKeys:
                return TenantChange.HasKeys;
            default:
                await AppliedAsync(AuditActions.TenantDeleted, name, null, actor, Now(), cancellationToken);
                return TenantChange.Done;
        }
    }

    /// <summary>One line that says everything a tenant allows and limits, for the audit log.</summary>
    public static string Describe(TenantDefinition t)
    {
        var text = new StringBuilder(160);
        text.Append(CultureInfo.InvariantCulture, $"services=[{string.Join(',', t.Services)}] models=[{string.Join(',', t.Models)}] ");
        text.Append(CultureInfo.InvariantCulture, $"role={KeyRoles.Name(t.Role)} priority={TenantPriorities.Name(t.Priority)}");
        Limits(text, "", t.Limits);
        Limits(text, "key_", t.KeyLimits);
        Budget(text, "budget", t.Budget);
        Budget(text, "key_budget", t.KeyBudget);
        return text.ToString();

        static void Limits(StringBuilder text, string prefix, TenantLimits limits)
        {
            Append(text, prefix + "rpm", limits.RequestsPerMinute);
            Append(text, prefix + "tpm", limits.TokensPerMinute);
            Append(text, prefix + "tpd", limits.TokensPerDay);
            Append(text, prefix + "concurrency", limits.ConcurrentRequests);
        }

        static void Append(StringBuilder text, string name, long? value)
        {
            if (value is { } v)
            {
                text.Append(CultureInfo.InvariantCulture, $" {name}={v}");
            }
        }

        static void Budget(StringBuilder text, string name, TenantBudget? budget)
        {
            if (budget is { } b)
            {
                text.Append(CultureInfo.InvariantCulture, $" {name}=${(decimal)b.LimitMicros / TenantBudget.MicrosPerDollar}/{TenantBudget.PeriodName(b.Period)}");
            }
        }
    }

    private async Task AppliedAsync(string action, string name, string? detail, AuditActor actor, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Before answering: the admin's next request already sees the change.
        await directory.ReloadAsync(cancellationToken);
        keyCache.InvalidateAll();
        audit.Record(new AuditEvent(now, action, "ok", actor.Actor, name, RequestId: actor.RequestId, Client: actor.Client, Detail: detail));
    }

    /// <summary>Whether a usable admin key would remain outside <paramref name="demoted"/>, in a tenant that allows admins.</summary>
    private async Task<bool> AdminKeyRemainsAsync(string demoted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var adminTenants = (await store.ListTenantsAsync(cancellationToken))
            .Where(t => t.Name != demoted && t.Definition.Role == KeyRole.Admin).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return (await keys.ListKeysAsync(cancellationToken)).Any(k =>
            k.Role == KeyRole.Admin && adminTenants.Contains(k.Tenant) && k.StatusAt(now) is KeyStatus.Active or KeyStatus.Rotating);
    }

    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeMilliseconds(timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
}

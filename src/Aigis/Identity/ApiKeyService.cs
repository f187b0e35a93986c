using Aigis.Core.Identity;
using Aigis.Store;

namespace Aigis.Identity;

/// <summary>What a new key is for: its name, tenant, role and (optional) lifetime.</summary>
internal sealed record KeySpec(string Name, string Tenant, KeyRole Role, TimeSpan? Lifetime = null)
{
    public const string DefaultTenant = "default";
}

/// <summary>Who asked for an operation, for the audit log.</summary>
internal sealed record AuditActor(string Actor, string? RequestId = null, string? Client = null)
{
    public static readonly AuditActor System = new(AuditActions.System);
}

/// <summary>A key just made: the record stored and the whole key, which exists only here and in the answer.</summary>
internal sealed record CreatedKey(StoredApiKey Record, string Key)
{
    public override string ToString() => $"CreatedKey {{ Id = {Record.Id} }}";
}

internal enum KeyChange
{
    Done,
    NotFound,

    /// <summary>Revoking it would leave no usable admin key, and so no way back into the admin API.</summary>
    LastAdminKey,

    /// <summary>Revoked, expired, or already rotated: there is nothing to rotate.</summary>
    NotRotatable,
}

/// <summary>
/// Creates, lists, revokes and rotates keys: writes the store, invalidates the cache at once, and audits each
/// change. Times are truncated to milliseconds, the store's resolution, so a cached key and a reloaded one agree.
/// </summary>
internal sealed class ApiKeyService(IKeyStore store, ApiKeyCache cache, AuditWriter audit, TimeProvider timeProvider)
{
    /// <summary>The purpose under which <c>aigis up</c> makes the first admin key, once per store.</summary>
    public const string BootstrapAdminPurpose = "bootstrap-admin";

    /// <summary>The purpose under which the embedded demo makes its user key, once per store.</summary>
    public const string DemoPurpose = "demo";

    public async Task<CreatedKey> CreateAsync(KeySpec spec, AuditActor actor, CancellationToken cancellationToken)
    {
        // Ids are 8 random base62 characters (48 bits); a clash is improbable but costs only another try.
        for (var attempt = 0; ; attempt++)
        {
            var (created, record) = NewKey(spec, actor.Actor, replaces: null);
            if (await store.InsertKeyAsync(record, cancellationToken))
            {
                Created(created, actor);
                return created;
            }

            if (attempt == 4)
            {
                throw new InvalidOperationException("could not find a free key id in 5 tries");
            }
        }
    }

    /// <summary>Makes a key for <paramref name="purpose"/> unless one was ever made for it on this store; null when one was.</summary>
    public async Task<CreatedKey?> CreateOnceAsync(string purpose, KeySpec spec, CancellationToken cancellationToken)
    {
        var (created, record) = NewKey(spec, AuditActions.System, replaces: null);
        if (!await store.InsertKeyOnceAsync(purpose, record, cancellationToken))
        {
            return null;
        }

        Created(created, AuditActor.System);
        return created;
    }

    public Task<StoredApiKey?> FindForPurposeAsync(string purpose, CancellationToken cancellationToken) =>
        store.FindKeyForPurposeAsync(purpose, cancellationToken);

    public Task<IReadOnlyList<StoredApiKey>> ListAsync(CancellationToken cancellationToken) => store.ListKeysAsync(cancellationToken);

    public Task<StoredApiKey?> FindAsync(string id, CancellationToken cancellationToken) => store.FindKeyAsync(id, cancellationToken);

    public async Task<(KeyChange Change, StoredApiKey? Key)> RevokeAsync(string id, AuditActor actor, CancellationToken cancellationToken)
    {
        var key = await store.FindKeyAsync(id, cancellationToken);
        if (key is null)
        {
            return (KeyChange.NotFound, null);
        }

        var now = Now();
        if (key.Role == KeyRole.Admin && key.RevokedAt is null)
        {
            var keys = await store.ListKeysAsync(cancellationToken);
            if (!keys.Any(k => k.Id != id && k.Role == KeyRole.Admin && k.StatusAt(now) is KeyStatus.Active or KeyStatus.Rotating))
            {
                return (KeyChange.LastAdminKey, key);
            }
        }

        await store.RevokeKeyAsync(id, now, cancellationToken);
        cache.Invalidate(id);
        audit.Record(new AuditEvent(now, AuditActions.KeyRevoked, "ok", actor.Actor, id, RequestId: actor.RequestId, Client: actor.Client,
            Detail: key.RevokedAt is null ? $"name={key.Name} tenant={key.Tenant} role={KeyRoles.Name(key.Role)}" : "already revoked"));
        return (KeyChange.Done, key with { RevokedAt = key.RevokedAt ?? now });
    }

    /// <summary>
    /// Makes a replacement with the same name, tenant, role and lifetime; the old key stays valid for
    /// <paramref name="overlap"/> (or until its own expiry, if sooner), so clients can move over without a gap.
    /// </summary>
    public async Task<(KeyChange Change, StoredApiKey? Old, CreatedKey? New)> RotateAsync(string id, TimeSpan overlap, AuditActor actor, CancellationToken cancellationToken)
    {
        var old = await store.FindKeyAsync(id, cancellationToken);
        if (old is null)
        {
            return (KeyChange.NotFound, null, null);
        }

        var now = Now();
        if (old.StatusAt(now) != KeyStatus.Active)
        {
            return (KeyChange.NotRotatable, old, null);
        }

        var lifetime = old.ExpiresAt - old.CreatedAt;
        var oldUntil = now + overlap;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var (created, record) = NewKey(new KeySpec(old.Name, old.Tenant, old.Role, lifetime), actor.Actor, replaces: old.Id);
            if (await store.RotateKeyAsync(old.Id, oldUntil, record, cancellationToken))
            {
                cache.Invalidate(old.Id);
                Created(created, actor);
                var updated = await store.FindKeyAsync(old.Id, cancellationToken) ?? old;
                audit.Record(new AuditEvent(now, AuditActions.KeyRotated, "ok", actor.Actor, old.Id, RequestId: actor.RequestId, Client: actor.Client,
                    Detail: $"replacement={created.Record.Id} old key valid until {updated.ExpiresAt:O}"));
                return (KeyChange.Done, updated, created);
            }

            // Either the id clashed (try another) or the old key changed under us (say so).
            var current = await store.FindKeyAsync(old.Id, cancellationToken);
            if (current is null || current.StatusAt(now) != KeyStatus.Active)
            {
                return (KeyChange.NotRotatable, current ?? old, null);
            }
        }

        throw new InvalidOperationException("could not find a free key id in 5 tries");
    }

    private (CreatedKey Created, StoredApiKey Record) NewKey(KeySpec spec, string createdBy, string? replaces)
    {
        var now = Now();
        var generated = ApiKeyFormat.Generate();
        var record = new StoredApiKey
        {
            Id = generated.Id,
            SecretHash = generated.Hash,
            Name = spec.Name,
            Tenant = spec.Tenant,
            Role = spec.Role,
            CreatedAt = now,
            ExpiresAt = spec.Lifetime is { } lifetime ? now + lifetime : null,
            Replaces = replaces,
            CreatedBy = createdBy,
        };
        return (new CreatedKey(record, generated.Key), record);
    }

    private void Created(CreatedKey created, AuditActor actor)
    {
        var record = created.Record;

        // The id may be remembered as unknown from a guess; it exists now.
        cache.Invalidate(record.Id);
        var detail = $"name={record.Name} tenant={record.Tenant} role={KeyRoles.Name(record.Role)}"
            + (record.ExpiresAt is { } expires ? $" expires={expires:O}" : "")
            + (record.Replaces is { } replaces ? $" replaces={replaces}" : "");
        audit.Record(new AuditEvent(record.CreatedAt, AuditActions.KeyCreated, "ok", actor.Actor, record.Id,
            RequestId: actor.RequestId, Client: actor.Client, Detail: detail));
    }

    private DateTimeOffset Now()
    {
        var now = timeProvider.GetUtcNow();
        return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
    }
}

namespace Aigis.Store;

/// <summary>
/// Durable API keys. Implementations keep to portable SQL (SQLite now, PostgreSQL next) and parameters only.
/// Times are stored as Unix milliseconds.
/// </summary>
internal interface IKeyStore
{
    /// <summary>Adds a key. Its id must be new (ids are random; a clash is reported as false, to retry).</summary>
    Task<bool> InsertKeyAsync(StoredApiKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="key"/> only if no key was ever created for <paramref name="purpose"/> (e.g. the first
    /// admin key), atomically, so two starts on one store cannot both create one. True when it was added.
    /// </summary>
    Task<bool> InsertKeyOnceAsync(string purpose, StoredApiKey key, CancellationToken cancellationToken);

    /// <summary>The key created for <paramref name="purpose"/> by <see cref="InsertKeyOnceAsync"/>, if any.</summary>
    Task<StoredApiKey?> FindKeyForPurposeAsync(string purpose, CancellationToken cancellationToken);

    Task<StoredApiKey?> FindKeyAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every key, oldest first. Revoked and expired keys are kept, as the audit trail refers to them.</summary>
    Task<IReadOnlyList<StoredApiKey>> ListKeysAsync(CancellationToken cancellationToken);

    /// <summary>Marks the key revoked at <paramref name="at"/> unless it already is. False when no such key exists.</summary>
    Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: the old key now expires at <paramref name="oldKeyExpiresAt"/> and points at its
    /// replacement, and the replacement is added. False (and nothing changed) when the old key is revoked or was
    /// already rotated.
    /// </summary>
    Task<bool> RotateKeyAsync(string oldId, DateTimeOffset oldKeyExpiresAt, StoredApiKey replacement, CancellationToken cancellationToken);
}

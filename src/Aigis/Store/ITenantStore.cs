namespace Aigis.Store;

/// <summary>Durable tenants. Portable SQL, as <see cref="IKeyStore"/>.</summary>
internal interface ITenantStore
{
    /// <summary>Adds a tenant; false when one with that name exists (nothing changed).</summary>
    Task<bool> InsertTenantAsync(StoredTenant tenant, CancellationToken cancellationToken);

    /// <summary>Replaces a tenant's definition; false when there is no such tenant.</summary>
    Task<bool> UpdateTenantAsync(StoredTenant tenant, CancellationToken cancellationToken);

    Task<StoredTenant?> FindTenantAsync(string name, CancellationToken cancellationToken);

    /// <summary>Every tenant, by name.</summary>
    Task<IReadOnlyList<StoredTenant>> ListTenantsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the tenant unless a key that is not revoked still belongs to it, in one transaction.
    /// </summary>
    Task<TenantDeletion> DeleteTenantAsync(string name, CancellationToken cancellationToken);
}

internal enum TenantDeletion
{
    Deleted,
    NotFound,
    HasKeys,
}

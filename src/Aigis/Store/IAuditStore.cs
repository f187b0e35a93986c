namespace Aigis.Store;

/// <summary>The durable audit log: appended in batches by the audit writer, read by the admin API.</summary>
internal interface IAuditStore
{
    /// <summary>Appends events in one transaction, in order.</summary>
    Task AppendAuditAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> events at or after <paramref name="since"/>, newest first.</summary>
    Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken);
}

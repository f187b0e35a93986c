namespace Aigis.Store;

/// <summary>Where a page of keys starts: after the key created at <see cref="CreatedAt"/> with <see cref="Id"/> (the list's order).</summary>
internal readonly record struct KeyPosition(DateTimeOffset CreatedAt, string Id);

/// <summary>One page of keys, oldest first, optionally of one tenant.</summary>
internal sealed record KeyPageQuery(int Limit, KeyPosition? After = null, string? Tenant = null);

/// <summary>
/// One page of the audit log, newest first: events older than <see cref="BeforeId"/>, at or after
/// <see cref="Since"/>, matching every filter given. <see cref="Actions"/> are exact actions or families (<c>ban.*</c>), any of which matches.
/// </summary>
internal sealed record AuditQuery(int Limit, long? BeforeId = null, DateTimeOffset? Since = null, string? Actor = null, string? Outcome = null, string? Subject = null)
{
    public IReadOnlyList<string> Actions { get; init; } = [];
}

/// <summary>Keys a page at a time, on an index (the admin list answers as fast with 100,000 keys as with 10).</summary>
internal interface IKeyPages
{
    Task<IReadOnlyList<StoredApiKey>> ListKeysPageAsync(KeyPageQuery query, CancellationToken cancellationToken);
}

/// <summary>The audit log a page at a time, with filters.</summary>
internal interface IAuditPages
{
    Task<IReadOnlyList<AuditEvent>> ReadAuditPageAsync(AuditQuery query, CancellationToken cancellationToken);
}

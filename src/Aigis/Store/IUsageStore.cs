namespace Aigis.Store;

/// <summary>
/// Usage and spend per subject (<c>tenant:NAME</c> or <c>key:ID</c>) per UTC day, added to in batches. Portable:
/// an upsert with <c>ON CONFLICT ... DO UPDATE</c>, which SQLite and PostgreSQL both have.
/// </summary>
internal interface IUsageStore
{
    Task AddUsageAsync(IReadOnlyCollection<UsageTotals> totals, CancellationToken cancellationToken);

    /// <summary>Every subject's totals for each day at or after <paramref name="since"/>.</summary>
    Task<IReadOnlyList<UsageTotals>> ReadUsageAsync(DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>What one subject used on one UTC day (or, in a batch, the part of it to add).</summary>
internal sealed record UsageTotals(string Subject, DateTimeOffset Day, long Requests, long PromptTokens, long CompletionTokens, long CostMicros)
{
    public static string TenantSubject(string tenant) => "tenant:" + tenant;

    public static string KeySubject(string keyId) => "key:" + keyId;
}

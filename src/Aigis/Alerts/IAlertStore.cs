namespace Aigis.Alerts;

/// <summary>The alert history: every firing and resolved event, kept in the store.</summary>
internal interface IAlertStore
{
    Task AppendAlertEventAsync(AlertEvent alert, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> events, newest first.</summary>
    Task<IReadOnlyList<AlertEvent>> ReadAlertEventsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> events older than <paramref name="beforeId"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<AlertEvent>> ReadAlertEventsAsync(int limit, long? beforeId, CancellationToken cancellationToken);
}

using Aigis.Alerts;
using Aigis.Core.Configuration;

namespace Aigis.Store;

/// <summary>The alert history in the embedded store (migration 3): one row per firing or resolved event.</summary>
internal sealed partial class SqliteStore : IAlertStore
{
    private const string AlertColumns = "id, at, status, alert, by_label, group_value, severity, value, expr, summary, starts_at";

    public async Task AppendAlertEventAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO alert_events (at, status, alert, by_label, group_value, severity, value, expr, summary, starts_at)
            VALUES (@at, @status, @alert, @by, @group, @severity, @value, @expr, @summary, @starts_at);
            """);
        command.Parameters.AddWithValue("@at", alert.At.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@status", alert.Status);
        command.Parameters.AddWithValue("@alert", alert.Alert);
        command.Parameters.AddWithValue("@by", (object?)alert.By ?? DBNull.Value);
        command.Parameters.AddWithValue("@group", alert.Group);
        command.Parameters.AddWithValue("@severity", AlertNotification.SeverityName(alert.Severity));
        command.Parameters.AddWithValue("@value", alert.Value is { } value && double.IsFinite(value) ? value : DBNull.Value);
        command.Parameters.AddWithValue("@expr", alert.Expression);
        command.Parameters.AddWithValue("@summary", (object?)alert.Summary ?? DBNull.Value);
        command.Parameters.AddWithValue("@starts_at", alert.StartsAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<AlertEvent>> ReadAlertEventsAsync(int limit, CancellationToken cancellationToken) =>
        ReadAlertEventsAsync(limit, null, cancellationToken);

    public async Task<IReadOnlyList<AlertEvent>> ReadAlertEventsAsync(int limit, long? beforeId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {AlertColumns} FROM alert_events WHERE id < @before ORDER BY id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", limit);
        command.Parameters.AddWithValue("@before", beforeId ?? long.MaxValue);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AlertEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AlertEvent(
                reader.GetString(2),
                reader.GetString(3),
                NullableString(reader, 4),
                reader.GetString(5),
                reader.GetString(6) switch
                {
                    "critical" => AlertSeverity.Critical,
                    "info" => AlertSeverity.Info,
                    _ => AlertSeverity.Warning,
                },
                reader.IsDBNull(7) ? null : reader.GetDouble(7),
                reader.GetString(8),
                NullableString(reader, 9),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(10)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)))
            {
                Id = reader.GetInt64(0),
            });
        }

        return events;
    }
}

using System.Text;
using Microsoft.Data.Sqlite;

namespace Aigis.Store;

/// <summary>
/// Keyset paging for the admin lists: each page starts after the last row of the one before, on an index, so the
/// first page and the thousandth cost the same and a row added meanwhile is neither skipped nor shown twice.
/// </summary>
internal sealed partial class SqliteStore : IKeyPages, IAuditPages
{
    public async Task<IReadOnlyList<StoredApiKey>> ListKeysPageAsync(KeyPageQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {KeyColumns} FROM api_keys WHERE 1 = 1");
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (query.After is { } after)
        {
            sql.Append(" AND (created_at > @after_at OR (created_at = @after_at AND id > @after_id))");
            command.Parameters.AddWithValue("@after_at", after.CreatedAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("@after_id", after.Id);
        }

        if (query.Tenant is { } tenant)
        {
            sql.Append(" AND tenant = @tenant");
            command.Parameters.AddWithValue("@tenant", tenant);
        }

        sql.Append(" ORDER BY created_at, id LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredApiKey>(Math.Min(query.Limit, 1024));
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    public async Task<IReadOnlyList<AuditEvent>> ReadAuditPageAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_log WHERE 1 = 1");
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (query.BeforeId is { } before)
        {
            sql.Append(" AND id < @before");
            command.Parameters.AddWithValue("@before", before);
        }

        if (query.Since is { } since)
        {
            sql.Append(" AND at >= @since");
            command.Parameters.AddWithValue("@since", since.ToUnixTimeMilliseconds());
        }

        AppendEquals(sql, command, "actor", query.Actor);
        AppendEquals(sql, command, "outcome", query.Outcome);
        AppendEquals(sql, command, "subject", query.Subject);
        if (query.Actions.Count > 0)
        {
            // Each pattern is an action (key.created) or a family (ban.*); LIKE's own wildcards in the text are escaped.
            sql.Append(" AND (");
            for (var i = 0; i < query.Actions.Count; i++)
            {
                var pattern = query.Actions[i];
                sql.Append(i == 0 ? "" : " OR ");
                if (pattern.EndsWith('*'))
                {
                    sql.Append($"action LIKE @action{i} ESCAPE '\\'");
                    command.Parameters.AddWithValue($"@action{i}", EscapeLike(pattern[..^1]) + "%");
                }
                else
                {
                    sql.Append($"action = @action{i}");
                    command.Parameters.AddWithValue($"@action{i}", pattern);
                }
            }

            sql.Append(')');
        }

        sql.Append(" ORDER BY id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.CommandText = sql.ToString();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<AuditEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new AuditEvent(
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetString(2), reader.GetString(3), reader.GetString(4),
                NullableString(reader, 5), NullableString(reader, 6), NullableString(reader, 7), NullableString(reader, 8), NullableString(reader, 9))
            {
                Id = reader.GetInt64(0),
            });
        }

        return events;
    }

    /// <summary>Adds many keys in one transaction (seeding a store for tests and measurements).</summary>
    internal async Task InsertKeysAsync(IEnumerable<StoredApiKey> keys, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var key in keys)
        {
            await TryInsertKeyAsync(connection, transaction, key, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static void AppendEquals(StringBuilder sql, SqliteCommand command, string column, string? value)
    {
        if (value is null)
        {
            return;
        }

        sql.Append($" AND {column} = @{column}");
        command.Parameters.AddWithValue("@" + column, value);
    }

    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}

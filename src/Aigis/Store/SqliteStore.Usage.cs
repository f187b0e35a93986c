using Microsoft.Data.Sqlite;

namespace Aigis.Store;

/// <summary>The usage_daily table (migration 4).</summary>
internal sealed partial class SqliteStore : IUsageStore
{
    public async Task AddUsageAsync(IReadOnlyCollection<UsageTotals> totals, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, transaction, """
            INSERT INTO usage_daily (subject, day, requests, prompt_tokens, completion_tokens, cost_micros)
            VALUES (@subject, @day, @requests, @prompt, @completion, @cost)
            ON CONFLICT (subject, day) DO UPDATE SET
                requests = usage_daily.requests + excluded.requests,
                prompt_tokens = usage_daily.prompt_tokens + excluded.prompt_tokens,
                completion_tokens = usage_daily.completion_tokens + excluded.completion_tokens,
                cost_micros = usage_daily.cost_micros + excluded.cost_micros;
            """);
        var subject = command.Parameters.Add("@subject", SqliteType.Text);
        var day = command.Parameters.Add("@day", SqliteType.Integer);
        var requests = command.Parameters.Add("@requests", SqliteType.Integer);
        var prompt = command.Parameters.Add("@prompt", SqliteType.Integer);
        var completion = command.Parameters.Add("@completion", SqliteType.Integer);
        var cost = command.Parameters.Add("@cost", SqliteType.Integer);
        foreach (var t in totals)
        {
            subject.Value = t.Subject;
            day.Value = t.Day.ToUnixTimeMilliseconds();
            requests.Value = t.Requests;
            prompt.Value = t.PromptTokens;
            completion.Value = t.CompletionTokens;
            cost.Value = t.CostMicros;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageTotals>> ReadUsageAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            "SELECT subject, day, requests, prompt_tokens, completion_tokens, cost_micros FROM usage_daily WHERE day >= @since ORDER BY subject, day;");
        command.Parameters.AddWithValue("@since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<UsageTotals>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new UsageTotals(reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5)));
        }

        return rows;
    }
}

using System.Text.Json;
using Aigis.Core.Rollouts;
using Aigis.Rollouts;
using Microsoft.Data.Sqlite;

namespace Aigis.Store;

/// <summary>Rollouts in the embedded store (migration 7): one row per rollout, its steps as a JSON list.</summary>
internal sealed partial class SqliteStore : IRolloutStore
{
    private const string RolloutColumns = "id, service, revision, status, phase, change, baseline, actor, started_at, ended_at, reason, replicas, slot, steps, superseded";

    public async Task<long> InsertRolloutAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            INSERT INTO rollouts (service, revision, status, phase, change, baseline, actor, started_at, ended_at, reason, replicas, slot, steps, superseded)
            VALUES (@service, @revision, @status, @phase, @change, @baseline, @actor, @started_at, @ended_at, @reason, @replicas, @slot, @steps, @superseded);
            SELECT last_insert_rowid();
            """);
        Bind(command, rollout);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task UpdateRolloutAsync(RolloutRecord rollout, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE rollouts SET status = @status, phase = @phase, ended_at = @ended_at, reason = @reason, slot = @slot, steps = @steps, superseded = @superseded
            WHERE id = @id;
            """);
        Bind(command, rollout);
        command.Parameters.AddWithValue("@id", rollout.Id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RolloutRecord?> ReadRolloutAsync(long id, CancellationToken cancellationToken)
    {
        var found = await QueryRolloutsAsync($"SELECT {RolloutColumns} FROM rollouts WHERE id = @id;", c => c.Parameters.AddWithValue("@id", id), cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    public Task<IReadOnlyList<RolloutRecord>> ReadRolloutsAsync(int limit, long? beforeId, string? service, CancellationToken cancellationToken) =>
        QueryRolloutsAsync(
            $"SELECT {RolloutColumns} FROM rollouts WHERE id < @before AND (@service IS NULL OR service = @service) ORDER BY id DESC LIMIT @limit;",
            c =>
            {
                c.Parameters.AddWithValue("@before", beforeId ?? long.MaxValue);
                c.Parameters.AddWithValue("@service", (object?)service ?? DBNull.Value);
                c.Parameters.AddWithValue("@limit", limit);
            },
            cancellationToken);

    public Task<IReadOnlyList<RolloutRecord>> ReadRunningRolloutsAsync(CancellationToken cancellationToken) =>
        QueryRolloutsAsync($"SELECT {RolloutColumns} FROM rollouts WHERE status = 'running' ORDER BY id;", _ => { }, cancellationToken);

    public Task<IReadOnlyList<RolloutRecord>> ReadInForceRolloutsAsync(CancellationToken cancellationToken) =>
        QueryRolloutsAsync($"""
            SELECT {RolloutColumns} FROM rollouts r
            WHERE status = 'succeeded' AND superseded = 0
              AND id = (SELECT MAX(id) FROM rollouts s WHERE s.service = r.service AND s.status = 'succeeded');
            """, _ => { }, cancellationToken);

    public async Task<int> ReadLastRevisionAsync(string service, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT MAX(revision) FROM rollouts WHERE service = @service;");
        command.Parameters.AddWithValue("@service", service);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is long revision ? (int)revision : 1;
    }

    private async Task<IReadOnlyList<RolloutRecord>> QueryRolloutsAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, sql);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rollouts = new List<RolloutRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var change = JsonSerializer.Deserialize(reader.GetString(5), RolloutJsonContext.Default.RolloutChangeJson)!;
            var steps = JsonSerializer.Deserialize(reader.GetString(13), RolloutJsonContext.Default.ListRolloutStepJson)!;
            rollouts.Add(new RolloutRecord(
                reader.GetInt64(0),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.GetString(3),
                RolloutStatus.ParsePhase(reader.GetString(4)),
                change.ToChange(),
                reader.GetString(6),
                reader.GetString(7),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
                reader.IsDBNull(9) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9)),
                NullableString(reader, 10),
                reader.GetInt32(11),
                reader.GetInt32(12),
                steps.Select(s => new RolloutStep(s.At, RolloutStatus.ParsePhase(s.Phase), (s.Replica ?? 0) - 1, s.Window ?? 0, s.Message)).ToArray(),
                reader.GetInt64(14) != 0));
        }

        return rollouts;
    }

    private static void Bind(SqliteCommand command, RolloutRecord rollout)
    {
        command.Parameters.AddWithValue("@service", rollout.Service);
        command.Parameters.AddWithValue("@revision", rollout.Revision);
        command.Parameters.AddWithValue("@status", rollout.Status);
        command.Parameters.AddWithValue("@phase", RolloutStatus.PhaseName(rollout.Phase));
        command.Parameters.AddWithValue("@change", JsonSerializer.Serialize(RolloutChangeJson.Of(rollout.Change), RolloutJsonContext.Default.RolloutChangeJson));
        command.Parameters.AddWithValue("@baseline", rollout.Baseline);
        command.Parameters.AddWithValue("@actor", rollout.Actor);
        command.Parameters.AddWithValue("@started_at", rollout.StartedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@ended_at", rollout.EndedAt is { } ended ? ended.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue("@reason", (object?)rollout.Reason ?? DBNull.Value);
        command.Parameters.AddWithValue("@replicas", rollout.Replicas);
        command.Parameters.AddWithValue("@slot", rollout.Slot);
        command.Parameters.AddWithValue("@steps", JsonSerializer.Serialize(rollout.Steps.Select(RolloutViews.Step).ToList(), RolloutJsonContext.Default.ListRolloutStepJson));
        command.Parameters.AddWithValue("@superseded", rollout.Superseded ? 1 : 0);
    }
}

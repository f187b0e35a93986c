using System.Data.Common;
using Aigis.Core.Identity;
using Microsoft.Data.Sqlite;

namespace Aigis.Store;

/// <summary>The tenants table (migration 3).</summary>
internal sealed partial class SqliteStore
{
    private const string TenantColumns = "name, services, models, role, priority, rpm, tpm, tpd, concurrency, "
        + "key_rpm, key_tpm, key_tpd, key_concurrency, budget_micros, budget_period, key_budget_micros, key_budget_period, "
        + "created_at, updated_at, created_by";

    public async Task<bool> InsertTenantAsync(StoredTenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"""
            INSERT INTO tenants ({TenantColumns})
            VALUES (@name, @services, @models, @role, @priority, @rpm, @tpm, @tpd, @concurrency,
                    @key_rpm, @key_tpm, @key_tpd, @key_concurrency, @budget_micros, @budget_period, @key_budget_micros, @key_budget_period,
                    @created_at, @updated_at, @created_by)
            ON CONFLICT (name) DO NOTHING;
            """);
        BindTenant(command, tenant);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> UpdateTenantAsync(StoredTenant tenant, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE tenants SET services = @services, models = @models, role = @role, priority = @priority,
                rpm = @rpm, tpm = @tpm, tpd = @tpd, concurrency = @concurrency,
                key_rpm = @key_rpm, key_tpm = @key_tpm, key_tpd = @key_tpd, key_concurrency = @key_concurrency,
                budget_micros = @budget_micros, budget_period = @budget_period,
                key_budget_micros = @key_budget_micros, key_budget_period = @key_budget_period,
                updated_at = @updated_at
            WHERE name = @name;
            """);
        BindTenant(command, tenant);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<StoredTenant?> FindTenantAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {TenantColumns} FROM tenants WHERE name = @name;");
        command.Parameters.AddWithValue("@name", name);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadTenant(reader) : null;
    }

    public async Task<IReadOnlyList<StoredTenant>> ListTenantsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {TenantColumns} FROM tenants ORDER BY name;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var tenants = new List<StoredTenant>();
        while (await reader.ReadAsync(cancellationToken))
        {
            tenants.Add(ReadTenant(reader));
        }

        return tenants;
    }

    public async Task<TenantDeletion> DeleteTenantAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var keys = Command(connection, transaction, "SELECT COUNT(*) FROM api_keys WHERE tenant = @name AND revoked_at IS NULL;");
        keys.Parameters.AddWithValue("@name", name);
        if (Convert.ToInt64(await keys.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
        {
            return TenantDeletion.HasKeys;
        }

        await using var delete = Command(connection, transaction, "DELETE FROM tenants WHERE name = @name;");
        delete.Parameters.AddWithValue("@name", name);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return deleted ? TenantDeletion.Deleted : TenantDeletion.NotFound;
    }

    private static void BindTenant(SqliteCommand command, StoredTenant stored)
    {
        var t = stored.Definition;
        var p = command.Parameters;
        p.AddWithValue("@name", t.Name);
        p.AddWithValue("@services", string.Join('\n', t.Services));
        p.AddWithValue("@models", string.Join('\n', t.Models));
        p.AddWithValue("@role", KeyRoles.Name(t.Role));
        p.AddWithValue("@priority", TenantPriorities.Name(t.Priority));
        p.AddWithValue("@rpm", Db(t.Limits.RequestsPerMinute));
        p.AddWithValue("@tpm", Db(t.Limits.TokensPerMinute));
        p.AddWithValue("@tpd", Db(t.Limits.TokensPerDay));
        p.AddWithValue("@concurrency", Db(t.Limits.ConcurrentRequests));
        p.AddWithValue("@key_rpm", Db(t.KeyLimits.RequestsPerMinute));
        p.AddWithValue("@key_tpm", Db(t.KeyLimits.TokensPerMinute));
        p.AddWithValue("@key_tpd", Db(t.KeyLimits.TokensPerDay));
        p.AddWithValue("@key_concurrency", Db(t.KeyLimits.ConcurrentRequests));
        p.AddWithValue("@budget_micros", Db(t.Budget?.LimitMicros));
        p.AddWithValue("@budget_period", t.Budget is { } b ? TenantBudget.PeriodName(b.Period) : DBNull.Value);
        p.AddWithValue("@key_budget_micros", Db(t.KeyBudget?.LimitMicros));
        p.AddWithValue("@key_budget_period", t.KeyBudget is { } kb ? TenantBudget.PeriodName(kb.Period) : DBNull.Value);
        p.AddWithValue("@created_at", stored.CreatedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("@updated_at", stored.UpdatedAt.ToUnixTimeMilliseconds());
        p.AddWithValue("@created_by", stored.CreatedBy);
    }

    private static StoredTenant ReadTenant(DbDataReader r)
    {
        var definition = new TenantDefinition
        {
            Name = r.GetString(0),
            Services = List(r.GetString(1)),
            Models = List(r.GetString(2)),
            Role = r.GetString(3) == KeyRoles.Admin ? KeyRole.Admin : KeyRole.User,
            Priority = TenantPriorities.TryParse(r.GetString(4), out var priority) ? priority : TenantPriority.Normal,
            Limits = new TenantLimits { RequestsPerMinute = Long(r, 5), TokensPerMinute = Long(r, 6), TokensPerDay = Long(r, 7), ConcurrentRequests = Long(r, 8) },
            KeyLimits = new TenantLimits { RequestsPerMinute = Long(r, 9), TokensPerMinute = Long(r, 10), TokensPerDay = Long(r, 11), ConcurrentRequests = Long(r, 12) },
            Budget = Budget(r, 13),
            KeyBudget = Budget(r, 15),
        };
        return new StoredTenant(definition,
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(17)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(18)), r.GetString(19));
    }

    private static string[] List(string text) => text.Length == 0 ? [] : text.Split('\n');

    private static long? Long(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetInt64(ordinal);

    private static TenantBudget? Budget(DbDataReader r, int ordinal) =>
        r.IsDBNull(ordinal) || r.IsDBNull(ordinal + 1) || !TenantBudget.TryParsePeriod(r.GetString(ordinal + 1), out var period)
            ? null
            : new TenantBudget(r.GetInt64(ordinal), period);

    private static object Db(long? value) => value is { } v ? v : DBNull.Value;
}

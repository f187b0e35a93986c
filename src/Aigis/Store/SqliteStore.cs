using System.Data.Common;
using Aigis.Core.Identity;
using Microsoft.Data.Sqlite;

namespace Aigis.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer). Connections come from
/// Microsoft.Data.Sqlite's pool, one per operation; every statement is parameterized.
/// </summary>
internal sealed partial class SqliteStore : IKeyStore, IAuditStore, ITenantStore
{
    private const string KeyColumns = "id, secret_hash, name, tenant, role, created_at, expires_at, revoked_at, replaced_by, replaces, created_by";
    private const string AuditColumns = "id, at, action, outcome, actor, subject, reason, request_id, client, detail";

    private readonly string _connectionString;

    public SqliteStore(string path)
    {
        FilePath = Path.GetFullPath(path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            ForeignKeys = true,
            Pooling = true,

            // Also the busy timeout: a writer waits this long for another (a second aigis, a migration) to finish.
            DefaultTimeout = 30,
        }.ToString();
    }

    public string FilePath { get; }

    /// <summary>
    /// Creates the file if needed, switches it to WAL and applies the migrations it has not seen, in one
    /// immediate transaction, so two processes starting on one file apply each step once. Safe to run again.
    /// </summary>
    public async Task MigrateAsync(IReadOnlyList<Migration> migrations, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            var created = !File.Exists(FilePath);
            await using var connection = await OpenAsync(cancellationToken);
            if (created && !OperatingSystem.IsWindows())
            {
                // Hashes only, but still nobody else's business.
                File.SetUnixFileMode(FilePath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", cancellationToken);
            await ExecuteAsync(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);", cancellationToken);

            // Immediate: the write lock is taken before reading the version, so a concurrent start waits here.
            await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
            await using var current = Command(connection, transaction, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations;");
            var version = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
            var latest = migrations.Count == 0 ? 0 : migrations[^1].Version;
            if (version > latest)
            {
                throw new StoreUnavailableException($"the store {FilePath} has schema version {version}, newer than this aigis knows ({latest}); run a newer aigis");
            }

            foreach (var migration in migrations.Where(m => m.Version > version))
            {
                await ExecuteAsync(connection, transaction, migration.Sql, cancellationToken);
                await using var record = Command(connection, transaction, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at);");
                record.Parameters.AddWithValue("@version", migration.Version);
                record.Parameters.AddWithValue("@name", migration.Name);
                record.Parameters.AddWithValue("@at", timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StoreUnavailableException($"cannot open the store {FilePath}: {e.Message}", e);
        }
    }

    public async Task<bool> InsertKeyAsync(StoredApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await TryInsertKeyAsync(connection, null, key, cancellationToken);
    }

    public async Task<bool> InsertKeyOnceAsync(string purpose, StoredApiKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        if (!await TryInsertKeyAsync(connection, transaction, key, cancellationToken))
        {
            return false;
        }

        await using var claim = Command(connection, transaction,
            "INSERT INTO key_purposes (purpose, key_id, created_at) VALUES (@purpose, @id, @at) ON CONFLICT (purpose) DO NOTHING;");
        claim.Parameters.AddWithValue("@purpose", purpose);
        claim.Parameters.AddWithValue("@id", key.Id);
        claim.Parameters.AddWithValue("@at", key.CreatedAt.ToUnixTimeMilliseconds());
        if (await claim.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            // Someone made the key for this purpose already; the one just inserted goes with the rollback.
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<StoredApiKey?> FindKeyForPurposeAsync(string purpose, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null,
            $"SELECT {KeyColumns} FROM api_keys WHERE id = (SELECT key_id FROM key_purposes WHERE purpose = @purpose);");
        command.Parameters.AddWithValue("@purpose", purpose);
        return await ReadOneKeyAsync(command, cancellationToken);
    }

    public async Task<StoredApiKey?> FindKeyAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {KeyColumns} FROM api_keys WHERE id = @id;");
        command.Parameters.AddWithValue("@id", id);
        return await ReadOneKeyAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredApiKey>> ListKeysAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<StoredApiKey>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadKey(reader));
        }

        return keys;
    }

    public async Task<bool> RevokeKeyAsync(string id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, @at) WHERE id = @id;");
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@at", at.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> RotateKeyAsync(string oldId, DateTimeOffset oldKeyExpiresAt, StoredApiKey replacement, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var update = Command(connection, transaction, """
            UPDATE api_keys SET replaced_by = @new,
                expires_at = CASE WHEN expires_at IS NULL OR expires_at > @expires THEN @expires ELSE expires_at END
            WHERE id = @old AND revoked_at IS NULL AND replaced_by IS NULL;
            """);
        update.Parameters.AddWithValue("@new", replacement.Id);
        update.Parameters.AddWithValue("@old", oldId);
        update.Parameters.AddWithValue("@expires", oldKeyExpiresAt.ToUnixTimeMilliseconds());
        if (await update.ExecuteNonQueryAsync(cancellationToken) != 1 || !await TryInsertKeyAsync(connection, transaction, replacement, cancellationToken))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task AppendAuditAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = Command(connection, transaction, """
            INSERT INTO audit_log (at, action, outcome, actor, subject, reason, request_id, client, detail)
            VALUES (@at, @action, @outcome, @actor, @subject, @reason, @request_id, @client, @detail);
            """);
        var at = command.Parameters.Add("@at", SqliteType.Integer);
        var action = command.Parameters.Add("@action", SqliteType.Text);
        var outcome = command.Parameters.Add("@outcome", SqliteType.Text);
        var actor = command.Parameters.Add("@actor", SqliteType.Text);
        var subject = command.Parameters.Add("@subject", SqliteType.Text);
        var reason = command.Parameters.Add("@reason", SqliteType.Text);
        var requestId = command.Parameters.Add("@request_id", SqliteType.Text);
        var client = command.Parameters.Add("@client", SqliteType.Text);
        var detail = command.Parameters.Add("@detail", SqliteType.Text);
        foreach (var e in events)
        {
            at.Value = e.At.ToUnixTimeMilliseconds();
            action.Value = e.Action;
            outcome.Value = e.Outcome;
            actor.Value = e.Actor;
            subject.Value = (object?)e.Subject ?? DBNull.Value;
            reason.Value = (object?)e.Reason ?? DBNull.Value;
            requestId.Value = (object?)e.RequestId ?? DBNull.Value;
            client.Value = (object?)e.Client ?? DBNull.Value;
            detail.Value = (object?)e.Detail ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<AuditEvent>> ReadAuditAsync(DateTimeOffset? since, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, since is null
            ? $"SELECT {AuditColumns} FROM audit_log ORDER BY id DESC LIMIT @limit;"
            : $"SELECT {AuditColumns} FROM audit_log WHERE at >= @since ORDER BY id DESC LIMIT @limit;");
        command.Parameters.AddWithValue("@limit", limit);
        if (since is { } from)
        {
            command.Parameters.AddWithValue("@since", from.ToUnixTimeMilliseconds());
        }

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

    /// <summary>The schema versions applied, in order; for tests and diagnostics.</summary>
    public async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, null, "SELECT version FROM schema_migrations ORDER BY version;");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var versions = new List<int>();
        while (await reader.ReadAsync(cancellationToken))
        {
            versions.Add(reader.GetInt32(0));
        }

        return versions;
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task<bool> TryInsertKeyAsync(SqliteConnection connection, SqliteTransaction? transaction, StoredApiKey key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, $"""
            INSERT INTO api_keys ({KeyColumns})
            VALUES (@id, @hash, @name, @tenant, @role, @created_at, @expires_at, @revoked_at, @replaced_by, @replaces, @created_by)
            ON CONFLICT (id) DO NOTHING;
            """);
        command.Parameters.AddWithValue("@id", key.Id);
        command.Parameters.Add("@hash", SqliteType.Blob).Value = key.SecretHash;
        command.Parameters.AddWithValue("@name", key.Name);
        command.Parameters.AddWithValue("@tenant", key.Tenant);
        command.Parameters.AddWithValue("@role", KeyRoles.Name(key.Role));
        command.Parameters.AddWithValue("@created_at", key.CreatedAt.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("@expires_at", (object?)key.ExpiresAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("@revoked_at", (object?)key.RevokedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value);
        command.Parameters.AddWithValue("@replaced_by", (object?)key.ReplacedBy ?? DBNull.Value);
        command.Parameters.AddWithValue("@replaces", (object?)key.Replaces ?? DBNull.Value);
        command.Parameters.AddWithValue("@created_by", key.CreatedBy);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private static async Task<StoredApiKey?> ReadOneKeyAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadKey(reader) : null;
    }

    private static StoredApiKey ReadKey(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        SecretHash = (byte[])reader.GetValue(1),
        Name = reader.GetString(2),
        Tenant = reader.GetString(3),
        Role = reader.GetString(4) == KeyRoles.Admin ? KeyRole.Admin : KeyRole.User,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
        ExpiresAt = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
        RevokedAt = reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        ReplacedBy = NullableString(reader, 8),
        Replaces = NullableString(reader, 9),
        CreatedBy = reader.GetString(10),
    };

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

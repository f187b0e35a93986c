using Aigis.Core.Identity;
using Aigis.Store;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Identity;

/// <summary>The SQLite store on real files in a temporary directory.</summary>
public sealed class StoreTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aigis-store-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Migrations_run_at_open_and_a_second_run_changes_nothing()
    {
        var path = Path.Combine(_directory, "nested", "aigis.db");
        var first = new SqliteStore(path);
        await first.MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None);
        await first.InsertKeyAsync(Key("k1"), CancellationToken.None);

        var second = new SqliteStore(path);
        await second.MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None);
        await second.MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None);

        Assert.Equal(SqliteMigrations.All.Select(m => m.Version), await second.AppliedMigrationsAsync(CancellationToken.None));
        Assert.Equal("k1", Assert.Single(await second.ListKeysAsync(CancellationToken.None)).Id);
        Assert.Equal("wal", await ScalarAsync(path, "PRAGMA journal_mode;"));
    }

    [Fact]
    public async Task Concurrent_first_opens_apply_each_migration_once()
    {
        var path = Path.Combine(_directory, "aigis.db");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new SqliteStore(path).MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None))));

        Assert.Equal(SqliteMigrations.All.Select(m => m.Version), await new SqliteStore(path).AppliedMigrationsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_store_from_a_newer_aigis_is_refused_with_a_message()
    {
        var path = Path.Combine(_directory, "aigis.db");
        await new SqliteStore(path).MigrateAsync([.. SqliteMigrations.All, new Migration(99, "future", "CREATE TABLE future (x INTEGER);")], _time, CancellationToken.None);

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => new SqliteStore(path).MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None));

        Assert.Contains("schema version 99, newer than this aigis knows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unusable_path_is_a_clear_startup_error()
    {
        var blocker = Path.Combine(_directory, "file");
        await File.WriteAllTextAsync(blocker, "not a directory");

        var error = await Assert.ThrowsAsync<StoreUnavailableException>(() => new SqliteStore(Path.Combine(blocker, "aigis.db")).MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None));

        Assert.StartsWith("cannot open the store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_for_a_purpose_is_made_once_per_store()
    {
        var store = await OpenAsync();

        Assert.True(await store.InsertKeyOnceAsync("bootstrap-admin", Key("first"), CancellationToken.None));
        Assert.False(await store.InsertKeyOnceAsync("bootstrap-admin", Key("second"), CancellationToken.None));

        Assert.Equal("first", (await store.FindKeyForPurposeAsync("bootstrap-admin", CancellationToken.None))!.Id);
        Assert.Null(await store.FindKeyAsync("second", CancellationToken.None));
    }

    [Fact]
    public async Task Rotation_sets_the_overlap_deadline_and_links_both_keys_in_one_step()
    {
        var store = await OpenAsync();
        await store.InsertKeyAsync(Key("old"), CancellationToken.None);
        var until = _time.GetUtcNow().AddHours(1);

        Assert.True(await store.RotateKeyAsync("old", until, Key("new") with { Replaces = "old" }, CancellationToken.None));
        Assert.False(await store.RotateKeyAsync("old", until, Key("newer"), CancellationToken.None));

        var old = (await store.FindKeyAsync("old", CancellationToken.None))!;
        Assert.Equal(until, old.ExpiresAt);
        Assert.Equal("new", old.ReplacedBy);
        Assert.Equal("old", (await store.FindKeyAsync("new", CancellationToken.None))!.Replaces);
        Assert.Null(await store.FindKeyAsync("newer", CancellationToken.None));
    }

    [Fact]
    public async Task Audit_events_come_back_newest_first_bounded_by_limit_and_since()
    {
        var store = await OpenAsync();
        var start = _time.GetUtcNow();
        var events = Enumerable.Range(0, 5).Select(i => new AuditEvent(start.AddMinutes(i), AuditActions.AdminCall, "200", "k1", Detail: $"call {i}")).ToArray();
        await store.AppendAuditAsync(events, CancellationToken.None);

        var latest = await store.ReadAuditAsync(null, 2, CancellationToken.None);
        var recent = await store.ReadAuditAsync(start.AddMinutes(3), 100, CancellationToken.None);

        Assert.Equal(["call 4", "call 3"], latest.Select(e => e.Detail));
        Assert.Equal(["call 4", "call 3"], recent.Select(e => e.Detail));
        Assert.True(latest[0].Id > latest[1].Id);
    }

    private async Task<SqliteStore> OpenAsync()
    {
        var store = new SqliteStore(Path.Combine(_directory, "aigis.db"));
        await store.MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None);
        return store;
    }

    private StoredApiKey Key(string id) => new()
    {
        Id = id,
        SecretHash = new byte[32],
        Name = "test",
        Tenant = "default",
        Role = KeyRole.User,
        CreatedAt = _time.GetUtcNow(),
        CreatedBy = "test",
    };

    [Fact]
    public async Task The_tenants_migration_creates_every_tenant_that_keys_already_name_allowed_everything()
    {
        var path = Path.Combine(_directory, "aigis.db");
        var old = new SqliteStore(path);
        await old.MigrateAsync(SqliteMigrations.All.Take(3).ToArray(), _time, CancellationToken.None);
        await old.InsertKeyAsync(Key("k1") with { Tenant = "acme" }, CancellationToken.None);
        await old.InsertKeyAsync(Key("k2") with { Tenant = "acme" }, CancellationToken.None);

        var store = new SqliteStore(path);
        await store.MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None);
        var tenants = await store.ListTenantsAsync(CancellationToken.None);

        Assert.Equal(["acme", "default"], tenants.Select(t => t.Name));
        Assert.All(tenants, t => Assert.Equal(["*"], t.Definition.Models));
        Assert.All(tenants, t => Assert.Equal(["*"], t.Definition.Services));
        Assert.All(tenants, t => Assert.Equal(KeyRole.Admin, t.Definition.Role));
    }

    [Fact]
    public async Task A_tenant_round_trips_through_the_store_with_every_field()
    {
        var store = new SqliteStore(Path.Combine(_directory, "aigis.db"));
        await store.MigrateAsync(SqliteMigrations.All, _time, CancellationToken.None);
        var definition = new TenantDefinition
        {
            Name = "acme",
            Services = ["chat", "img-*"],
            Models = ["gpt-?o", "meta-llama/Llama-3-8B"],
            Role = KeyRole.User,
            Priority = TenantPriority.Low,
            Limits = new TenantLimits { RequestsPerMinute = 1, TokensPerMinute = 2, TokensPerDay = 3, ConcurrentRequests = 4 },
            KeyLimits = new TenantLimits { RequestsPerMinute = 5, TokensPerMinute = 6, TokensPerDay = 7, ConcurrentRequests = 8 },
            Budget = new TenantBudget(12_500_000, BudgetPeriod.Month),
            KeyBudget = new TenantBudget(1, BudgetPeriod.Day),
        };

        Assert.True(await store.InsertTenantAsync(new StoredTenant(definition, _time.GetUtcNow(), _time.GetUtcNow(), "me"), CancellationToken.None));
        Assert.False(await store.InsertTenantAsync(new StoredTenant(definition, _time.GetUtcNow(), _time.GetUtcNow(), "me"), CancellationToken.None));
        var read = await store.FindTenantAsync("acme", CancellationToken.None);

        Assert.NotNull(read);
        Assert.True(read.Definition.SameAs(definition));
        Assert.Equal("me", read.CreatedBy);
    }

    private static async Task<string?> ScalarAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}

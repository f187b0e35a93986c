using System.Net;
using Aigis.Core.Identity;
using Aigis.Identity;
using Aigis.Store;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Aigis.Tests.Identity;

/// <summary>Tenants through the admin API: create, list, show, update, delete, each audited; keys belong to one.</summary>
public sealed class TenantApiTests
{
    [Fact]
    public async Task A_tenant_is_created_shown_updated_listed_and_deleted_and_each_change_is_audited()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var created = await TenantsApi.CreateAsync(gateway.AdminApi, "acme", """
            {"services":["chat"],"models":["gpt-*","sim-embed"],"priority":"high",
             "limits":{"requests_per_minute":60,"tokens_per_day":100000},"key_limits":{"concurrent_requests":4},
             "budget":{"usd":12.5,"period":"day"}}
            """);
        var shown = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/tenants/acme"));
        var updated = await TenantsApi.UpdateAsync(gateway.AdminApi, "acme", """{"models":["*"],"limits":{"tokens_per_minute":5000},"budget":{"usd":null}}""");
        var afterUpdate = await Json.ReadAsync(updated);
        var list = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/tenants"));
        var deleted = await gateway.AdminApi.DeleteAsync("/admin/v1/tenants/acme");
        var gone = await gateway.AdminApi.GetAsync("/admin/v1/tenants/acme");
        var audit = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?limit=1000"));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(["chat"], shown.GetProperty("services").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["gpt-*", "sim-embed"], shown.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("user", shown.GetProperty("role").GetString());
        Assert.Equal("high", shown.GetProperty("priority").GetString());
        Assert.Equal(60, shown.GetProperty("limits").GetProperty("requests_per_minute").GetInt64());
        Assert.Equal(100000, shown.GetProperty("limits").GetProperty("tokens_per_day").GetInt64());
        Assert.Equal(4, shown.GetProperty("key_limits").GetProperty("concurrent_requests").GetInt64());
        Assert.Equal(12.5m, shown.GetProperty("budget").GetProperty("usd").GetDecimal());
        Assert.Equal("day", shown.GetProperty("budget").GetProperty("period").GetString());

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal(["*"], afterUpdate.GetProperty("models").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["chat"], afterUpdate.GetProperty("services").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(5000, afterUpdate.GetProperty("limits").GetProperty("tokens_per_minute").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, afterUpdate.GetProperty("limits").GetProperty("requests_per_minute").ValueKind);
        Assert.Equal(4, afterUpdate.GetProperty("key_limits").GetProperty("concurrent_requests").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, afterUpdate.GetProperty("budget").ValueKind);
        Assert.Equal("high", afterUpdate.GetProperty("priority").GetString());

        Assert.Equal(["acme", "default"], list.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.Equal("tenant_not_found", (await Json.ErrorAsync(gone)).Code);

        var tenantEvents = audit.GetProperty("data").EnumerateArray()
            .Where(e => e.GetProperty("action").GetString()!.StartsWith("tenant.", StringComparison.Ordinal)).Reverse().ToArray();
        Assert.Equal(["tenant.created", "tenant.updated", "tenant.deleted"], tenantEvents.Select(e => e.GetProperty("action").GetString()));
        Assert.All(tenantEvents, e => Assert.Equal("acme", e.GetProperty("subject").GetString()));
        Assert.All(tenantEvents, e => Assert.Equal(gateway.AdminKey[6..14], e.GetProperty("actor").GetString()));
        Assert.Contains("models=[gpt-*,sim-embed]", tenantEvents[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("budget=$12.5/day", tenantEvents[0].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("tpm=5000", tenantEvents[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"services":["ok","has space"]}""", "services")]
    [InlineData("""{"models":[""]}""", "models")]
    [InlineData("""{"role":"root"}""", "role")]
    [InlineData("""{"priority":"urgent"}""", "priority")]
    [InlineData("""{"limits":{"requests_per_minute":0}}""", "limits")]
    [InlineData("""{"key_limits":{"concurrent_requests":-1}}""", "key_limits")]
    [InlineData("""{"budget":{"usd":-1}}""", "budget")]
    [InlineData("""{"budget":{"usd":5,"period":"week"}}""", "budget")]
    public async Task Bad_tenant_fields_are_400_naming_the_field(string body, string field)
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var create = await TenantsApi.CreateAsync(gateway.AdminApi, "acme", body);
        var error = (await Json.ReadAsync(create)).GetProperty("error");
        var update = await TenantsApi.UpdateAsync(gateway.AdminApi, "default", body);

        Assert.Equal(HttpStatusCode.BadRequest, create.StatusCode);
        Assert.Equal("invalid_field", error.GetProperty("code").GetString());
        Assert.Equal(field, error.GetProperty("param").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, update.StatusCode);
    }

    [Fact]
    public async Task Bad_names_unknown_fields_renames_and_duplicates_are_refused()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        await TenantsApi.EnsureAsync(gateway.AdminApi, "acme");

        var badName = await TenantsApi.CreateAsync(gateway.AdminApi, "a b");
        var unknownField = await TenantsApi.CreateAsync(gateway.AdminApi, "x", """{"model":["*"]}""");
        var duplicate = await TenantsApi.CreateAsync(gateway.AdminApi, "acme");
        var rename = await TenantsApi.UpdateAsync(gateway.AdminApi, "acme", """{"name":"other"}""");
        var missing = await TenantsApi.UpdateAsync(gateway.AdminApi, "nobody", """{"models":["*"]}""");

        Assert.Equal("invalid_field", (await Json.ErrorAsync(badName)).Code);
        Assert.Equal("invalid_json", (await Json.ErrorAsync(unknownField)).Code);
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        Assert.Equal("tenant_exists", (await Json.ErrorAsync(duplicate)).Code);
        Assert.Equal("invalid_field", (await Json.ErrorAsync(rename)).Code);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("tenant_not_found", (await Json.ErrorAsync(missing)).Code);
    }

    [Fact]
    public async Task Keys_belong_to_a_tenant_that_exists_and_never_outrank_it()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        await TenantsApi.CreateAsync(gateway.AdminApi, "users", """{"models":["*"]}""");

        var unknownTenant = await gateway.AdminApi.PostAsync("/admin/v1/keys", Json.Body("""{"name":"k","tenant":"nobody"}"""));
        var adminInUserTenant = await gateway.AdminApi.PostAsync("/admin/v1/keys", Json.Body("""{"name":"k","tenant":"users","role":"admin"}"""));
        var (id, _) = await KeysApi.CreateAsync(gateway.AdminApi, "k", tenant: "users");
        var deleteWithKey = await gateway.AdminApi.DeleteAsync("/admin/v1/tenants/users");
        await KeysApi.RevokeAsync(gateway.AdminApi, id);
        var deleteAfterRevoke = await gateway.AdminApi.DeleteAsync("/admin/v1/tenants/users");
        var deleteDefault = await gateway.AdminApi.DeleteAsync("/admin/v1/tenants/default");

        Assert.Equal(HttpStatusCode.NotFound, unknownTenant.StatusCode);
        Assert.Equal("tenant_not_found", (await Json.ErrorAsync(unknownTenant)).Code);
        Assert.Equal(HttpStatusCode.BadRequest, adminInUserTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, deleteWithKey.StatusCode);
        Assert.Equal("tenant_has_keys", (await Json.ErrorAsync(deleteWithKey)).Code);
        Assert.Equal(HttpStatusCode.OK, deleteAfterRevoke.StatusCode);
        Assert.Equal("tenant_protected", (await Json.ErrorAsync(deleteDefault)).Code);
    }

    [Fact]
    public async Task Demoting_a_tenant_to_user_takes_the_admin_api_from_its_admin_keys_at_once()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        await TenantsApi.EnsureAsync(gateway.AdminApi, "ops");
        var (_, opsAdmin) = await KeysApi.CreateAsync(gateway.AdminApi, "ops-admin", tenant: "ops", role: "admin");
        using var asOps = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        asOps.DefaultRequestHeaders.Add("x-api-key", opsAdmin);

        var before = await asOps.GetAsync("/admin/v1/tenants");
        await TenantsApi.UpdateAsync(gateway.AdminApi, "ops", """{"role":"user"}""");
        var after = await asOps.GetAsync("/admin/v1/tenants");

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, after.StatusCode);
    }

    [Fact]
    public async Task The_tenant_of_the_last_admin_keys_cannot_be_made_a_user_tenant()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var lockout = await TenantsApi.UpdateAsync(gateway.AdminApi, "default", """{"role":"user"}""");
        await TenantsApi.EnsureAsync(gateway.AdminApi, "ops");
        await KeysApi.CreateAsync(gateway.AdminApi, "ops-admin", tenant: "ops", role: "admin");
        var allowed = await TenantsApi.UpdateAsync(gateway.AdminApi, "default", """{"role":"user"}""");

        Assert.Equal(HttpStatusCode.Conflict, lockout.StatusCode);
        Assert.Equal("last_admin_key", (await Json.ErrorAsync(lockout)).Code);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public void A_cached_identity_carries_its_tenants_priority_and_at_most_its_role()
    {
        var tenants = new Dictionary<string, TenantDefinition>
        {
            ["gold"] = new() { Name = "gold", Priority = TenantPriority.High, Role = KeyRole.Admin },
            ["plain"] = new() { Name = "plain", Priority = TenantPriority.Low, Role = KeyRole.User },
        };
        var cache = new ApiKeyCache(new FakeTimeProvider(), tenantOf: tenants.GetValueOrDefault);

        var gold = cache.Add("AAAAAAAA", Key("AAAAAAAA", "gold", KeyRole.Admin), cache.Generation).Identity!;
        var plain = cache.Add("BBBBBBBB", Key("BBBBBBBB", "plain", KeyRole.Admin), cache.Generation).Identity!;
        var orphan = cache.Add("CCCCCCCC", Key("CCCCCCCC", "gone", KeyRole.User), cache.Generation).Identity!;

        Assert.Equal((TenantPriority.High, KeyRole.Admin), (gold.Priority, gold.Role));
        Assert.Equal((TenantPriority.Low, KeyRole.User), (plain.Priority, plain.Role));
        Assert.Equal((TenantPriority.Normal, KeyRole.User), (orphan.Priority, orphan.Role));
    }

    private static StoredApiKey Key(string id, string tenant, KeyRole role) => new()
    {
        Id = id,
        SecretHash = new byte[32],
        Name = id,
        Tenant = tenant,
        Role = role,
        CreatedAt = DateTimeOffset.UnixEpoch,
        CreatedBy = "test",
    };
}

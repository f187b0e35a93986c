using System.Net;
using Aigis.Tests.Infrastructure;
using static Aigis.Tests.Identity.KeysApi;

namespace Aigis.Tests.Identity;

/// <summary>The admin API for keys, on the admin listener, behind an admin key.</summary>
public sealed class AdminApiTests
{
    [Fact]
    public async Task The_admin_api_needs_an_admin_key_and_the_probes_need_none()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var (_, userKey) = await CreateAsync(gateway.AdminApi, "user");
        using var asUser = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        asUser.DefaultRequestHeaders.Add("x-api-key", userKey);
        using var withBadKey = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        withBadKey.DefaultRequestHeaders.Add("Authorization", "Bearer aigis_nope");

        var anonymous = await gateway.Admin.GetAsync("/admin/v1/keys");
        var bad = await withBadKey.GetAsync("/admin/v1/keys");
        var user = await asUser.GetAsync("/admin/v1/keys");
        var userCreates = await asUser.PostAsync("/admin/v1/keys", Json.Body("""{"name":"escalate","role":"admin"}"""));
        var admin = await gateway.AdminApi.GetAsync("/admin/v1/keys");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("missing_api_key", (await Json.ErrorAsync(anonymous)).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal("admin_key_required", (await Json.ErrorAsync(user)).Code);
        Assert.Equal(HttpStatusCode.Forbidden, userCreates.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.GetAsync("/readyz")).StatusCode);
    }

    [Fact]
    public async Task Creation_shows_the_key_once_and_listing_never_shows_a_secret()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        await TenantsApi.EnsureAsync(gateway.AdminApi, "acme");

        var response = await gateway.AdminApi.PostAsync("/admin/v1/keys", Json.Body("""{"name":"billing","tenant":"acme","role":"user","expires_in":"30d"}"""));
        var created = await Json.ReadAsync(response);
        var key = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("details").GetProperty("id").GetString()!;
        var list = await gateway.AdminApi.GetStringAsync("/admin/v1/keys");
        var one = await Json.ReadAsync(await gateway.AdminApi.GetAsync($"/admin/v1/keys/{id}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.StartsWith($"aigis_{id}_", key, StringComparison.Ordinal);
        Assert.Contains(id, list, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.DoesNotContain(key[^20..], list, StringComparison.Ordinal);
        Assert.DoesNotContain("hash", list, StringComparison.OrdinalIgnoreCase);
        Assert.False(one.TryGetProperty("key", out _));
        Assert.Equal("billing", one.GetProperty("name").GetString());
        Assert.Equal("acme", one.GetProperty("tenant").GetString());
        Assert.Equal("active", one.GetProperty("status").GetString());
        Assert.Equal(TimeSpan.FromDays(30), one.GetProperty("expires_at").GetDateTimeOffset() - one.GetProperty("created_at").GetDateTimeOffset());
    }

    [Theory]
    [InlineData("""{"tenant":"acme"}""", "invalid_field", "name")]
    [InlineData("""{"name":"x","role":"root"}""", "invalid_field", "role")]
    [InlineData("""{"name":"x","tenant":"has space"}""", "invalid_field", "tenant")]
    [InlineData("""{"name":"x","expires_in":"30"}""", "invalid_field", "expires_in")]
    [InlineData("""{"name":"x","expires":"30d"}""", "invalid_json", null)]
    [InlineData("""{"name":""", "invalid_json", null)]
    [InlineData("""[]""", "invalid_json", null)]
    public async Task Bad_creation_requests_are_400_naming_the_field(string body, string code, string? field)
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var response = await gateway.AdminApi.PostAsync("/admin/v1/keys", Json.Body(body));
        var error = (await Json.ReadAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (field is not null)
        {
            Assert.Equal(field, error.GetProperty("param").GetString());
        }
    }

    [Fact]
    public async Task Unknown_keys_are_404_and_the_last_admin_key_cannot_be_revoked()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var bootstrapId = gateway.AdminKey[6..14];

        var unknown = await gateway.AdminApi.DeleteAsync("/admin/v1/keys/ZZZZZZZZ");
        var last = await gateway.AdminApi.DeleteAsync($"/admin/v1/keys/{bootstrapId}");
        var (_, secondAdmin) = await CreateAsync(gateway.AdminApi, "ops", role: "admin");
        var revokedFirst = await gateway.AdminApi.DeleteAsync($"/admin/v1/keys/{bootstrapId}");
        var oldAdminAfter = await gateway.AdminApi.GetAsync("/admin/v1/keys");
        using var asSecond = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        asSecond.DefaultRequestHeaders.Add("Authorization", "Bearer " + secondAdmin);
        var secondWorks = await asSecond.GetAsync("/admin/v1/keys");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("key_not_found", (await Json.ErrorAsync(unknown)).Code);
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Equal("last_admin_key", (await Json.ErrorAsync(last)).Code);
        Assert.Equal(HttpStatusCode.OK, revokedFirst.StatusCode);
        Assert.Equal("revoked", (await Json.ReadAsync(revokedFirst)).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, oldAdminAfter.StatusCode);
        Assert.Equal("revoked_api_key", (await Json.ErrorAsync(oldAdminAfter)).Code);
        Assert.Equal(HttpStatusCode.OK, secondWorks.StatusCode);
    }

    [Fact]
    public async Task A_second_start_on_the_same_store_makes_no_new_admin_key()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-bootstrap-").FullName;
        try
        {
            var config = Core.Configuration.ConfigLoader.LoadText($"store: {{path: \"{Path.Combine(directory, "aigis.db")}\"}}\ngateway: {{listen: http://127.0.0.1:0, admin: http://127.0.0.1:0}}", "t.yaml").Config!;
            string? first;
            await using (var host = Hosting.AigisHost.Create(config, new Hosting.AigisHostOptions { Overrides = () => [] }))
            {
                await host.StartAsync(CancellationToken.None);
                first = (await host.BootstrapAdminKeyAsync(CancellationToken.None))?.Key;
                await host.StopAsync(CancellationToken.None);
            }

            await using var again = Hosting.AigisHost.Create(config, new Hosting.AigisHostOptions { Overrides = () => [] });
            await again.StartAsync(CancellationToken.None);
            var second = await again.BootstrapAdminKeyAsync(CancellationToken.None);
            await again.StopAsync(CancellationToken.None);

            Assert.NotNull(first);
            Assert.Null(second);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }
}

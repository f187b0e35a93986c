using System.Net;
using System.Text;
using System.Text.Json;
using Aigis.Hosting;
using Aigis.Store;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using static Aigis.Tests.Identity.KeysApi;

namespace Aigis.Tests.Identity;

/// <summary>The audit log: every key change, admin call and refused authentication, and never a secret.</summary>
public sealed class AuditTests
{
    [Fact]
    public async Task Every_key_change_admin_call_and_refusal_is_recorded_with_who_what_and_why()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);
        var (id, key) = await CreateAsync(gateway.AdminApi, "svc", tenant: "acme");
        var refused = await ChatAsync(gateway.Public);
        var wrongSecret = await ChatAsync(gateway.Public, Bearer(key[..^1] + (key[^1] == 'A' ? 'B' : 'A')));
        var (newId, newKey, _) = await RotateAsync(gateway.AdminApi, id, "1h");
        await RevokeAsync(gateway.AdminApi, newId);
        var revoked = await ChatAsync(gateway.Public, Bearer(newKey));
        using var asUser = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        asUser.DefaultRequestHeaders.Add("x-api-key", key);
        await asUser.GetAsync("/admin/v1/keys");

        var events = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?limit=1000"))).GetProperty("data").EnumerateArray().Reverse().ToArray();
        var adminId = gateway.AdminKey[6..14];

        var created = Single(events, "key.created", id);
        Assert.Equal(adminId, created.GetProperty("actor").GetString());
        Assert.Contains("tenant=acme", created.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("127.0.0.1", created.GetProperty("client").GetString());

        var missing = events.Single(e => e.GetProperty("reason").GetString() == "missing_api_key");
        Assert.Equal("auth.refused", missing.GetProperty("action").GetString());
        Assert.Equal("anonymous", missing.GetProperty("actor").GetString());
        Assert.Equal(refused.Headers.GetValues("x-request-id").Single(), missing.GetProperty("request_id").GetString());
        Assert.Equal("public POST /v1/chat/completions", missing.GetProperty("detail").GetString());

        // A guess at a real key's secret names the key it was aimed at, as the subject, never as the actor.
        var guess = events.Single(e => e.GetProperty("request_id").GetString() == wrongSecret.Headers.GetValues("x-request-id").Single());
        Assert.Equal("invalid_api_key", guess.GetProperty("reason").GetString());
        Assert.Equal("anonymous", guess.GetProperty("actor").GetString());
        Assert.Equal(id, guess.GetProperty("subject").GetString());

        Assert.Contains($"replacement={newId}", Single(events, "key.rotated", id).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Single(events, "key.created", newId);
        Assert.Equal(adminId, Single(events, "key.revoked", newId).GetProperty("actor").GetString());
        var revokedUse = events.Single(e => e.GetProperty("request_id").GetString() == revoked.Headers.GetValues("x-request-id").Single());
        Assert.Equal(newId, revokedUse.GetProperty("actor").GetString());
        Assert.Equal("revoked_api_key", revokedUse.GetProperty("reason").GetString());

        var forbidden = events.Single(e => e.GetProperty("reason").GetString() == "admin_key_required");
        Assert.Equal(id, forbidden.GetProperty("actor").GetString());
        Assert.Equal("admin GET /admin/v1/keys", forbidden.GetProperty("detail").GetString());

        var calls = events.Where(e => e.GetProperty("action").GetString() == "admin.call").Select(e => (e.GetProperty("outcome").GetString(), e.GetProperty("detail").GetString())).ToArray();
        Assert.Contains(("201", "admin POST /admin/v1/keys"), calls);
        Assert.Contains(("201", $"admin POST /admin/v1/keys/{id}/rotate"), calls);
        Assert.Contains(("200", $"admin DELETE /admin/v1/keys/{newId}"), calls);
    }

    [Fact]
    public async Task The_audit_query_takes_a_limit_and_a_since()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        for (var i = 0; i < 3; i++)
        {
            await gateway.Public.GetAsync("/v1/models");
            await CreateAsync(gateway.AdminApi, $"k{i}");
        }

        var two = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?limit=2"))).GetProperty("data");
        var future = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?since=2999-01-01T00:00:00Z"))).GetProperty("data");
        var lastHour = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?since=1h"))).GetProperty("data");
        var badLimit = await gateway.AdminApi.GetAsync("/admin/v1/audit?limit=0");
        var badSince = await gateway.AdminApi.GetAsync("/admin/v1/audit?since=yesterday");

        Assert.Equal(2, two.GetArrayLength());
        Assert.True(two[0].GetProperty("id").GetInt64() > two[1].GetProperty("id").GetInt64());
        Assert.Equal(0, future.GetArrayLength());
        Assert.True(lastHour.GetArrayLength() >= 6);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badSince.StatusCode);
    }

    [Fact]
    public async Task No_secret_is_in_the_database_file_or_the_log()
    {
        var logs = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream),
            new AigisHostOptions { LoggerFactory = loggerFactory }, "  auth: required");
        var secrets = new List<string> { gateway.AdminKey };
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var (id, key) = await CreateAsync(gateway.AdminApi, $"svc-{i}", role: i == 0 ? "admin" : "user", expiresIn: "1h");
            secrets.Add(key);
            ids.Add(id);
            await ChatAsync(gateway.Public, Bearer(key));
            await ChatAsync(gateway.Public, ("x-api-key", key), Bearer(key[..^1] + "x"));
        }

        var (_, rotated, _) = await RotateAsync(gateway.AdminApi, ids[1], "1m");
        secrets.Add(rotated);
        await ChatAsync(gateway.Public, Bearer(rotated));
        await RevokeAsync(gateway.AdminApi, ids[2]);
        await ChatAsync(gateway.Public, Bearer(secrets[3]));
        await gateway.Host.Audit.FlushAsync(CancellationToken.None);

        var stored = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(gateway.Directory, "aigis.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            stored.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }

        var logText = string.Join('\n', logs.Entries.Select(e => e.Message));
        var audit = await gateway.AdminApi.GetStringAsync("/admin/v1/audit?limit=1000");
        Assert.All(ids, id => Assert.Contains(id, stored.ToString(), StringComparison.Ordinal));
        Assert.True(logs.Entries.Count > 10, "the log should have captured the requests");
        foreach (var secret in secrets)
        {
            var secretPart = secret[(6 + 8 + 1)..];
            Assert.DoesNotContain(secretPart, stored.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(secretPart, logText, StringComparison.Ordinal);
            Assert.DoesNotContain(secretPart, audit, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_clean_shutdown_writes_every_queued_event()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-audit-").FullName;
        var path = Path.Combine(directory, "aigis.db");
        try
        {
            // Bans off: 300 refusals from one address would otherwise ban it after the tenth, and the rest go unaudited.
            var config = Core.Configuration.ConfigLoader.LoadText($"store: {{path: \"{path}\"}}\ngateway: {{listen: http://127.0.0.1:0, admin: http://127.0.0.1:0}}\nsecurity: {{bans: {{enabled: false}}}}", "t.yaml").Config!;
            const int Requests = 300;
            await using (var host = AigisHost.Create(config, new AigisHostOptions { Overrides = () => [] }))
            {
                await host.StartAsync(CancellationToken.None);
                using var client = new HttpClient { BaseAddress = host.PublicUrl };
                await Task.WhenAll(Enumerable.Range(0, Requests).Select(_ => client.GetAsync("/v1/models")));
                await host.StopAsync(CancellationToken.None);
            }

            var events = await new SqliteStore(path).ReadAuditAsync(null, 1000, CancellationToken.None);
            Assert.Equal(Requests, events.Count(e => e.Action == AuditActions.AuthRefused));
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static JsonElement Single(JsonElement[] events, string action, string subject) =>
        events.Single(e => e.GetProperty("action").GetString() == action && e.GetProperty("subject").GetString() == subject);
}

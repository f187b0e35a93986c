using System.Net;
using System.Text.Json;
using Aigis.Endpoints;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Admin;

/// <summary>The operator's admin API: every route behind the admin key, described by its OpenAPI document, lists paged by cursor.</summary>
public sealed class AdminApiTests
{
    [Fact]
    public async Task The_openapi_document_describes_every_admin_route_with_a_summary()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);

        var document = await Json.ReadAsync(await gateway.AdminApi.GetAsync(AdminOpenApiDocument.Path));
        var routes = AdminOpenApiDocument.Routes(gateway.Host.AdminRoutes).ToArray();

        Assert.Equal("3.1.0", document.GetProperty("openapi").GetString());
        Assert.True(routes.Length >= 25, $"only {routes.Length} routes found");
        foreach (var (method, pattern, summary) in routes)
        {
            Assert.True(document.GetProperty("paths").TryGetProperty(pattern, out var path), $"{pattern} is not in the document");
            Assert.True(path.TryGetProperty(method.ToLowerInvariant(), out var operation), $"{method} {pattern} is not in the document");
            Assert.False(string.IsNullOrWhiteSpace(summary), $"{method} {pattern} has no summary");
            Assert.Equal(summary, operation.GetProperty("summary").GetString());
        }

        Assert.Equal(routes.Select(r => r.Pattern).Distinct().Count(), document.GetProperty("paths").EnumerateObject().Count());
    }

    [Fact]
    public async Task Every_read_route_refuses_no_key_and_a_user_key_and_answers_an_admin_key_with_json()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);
        var (adminKeyId, _) = await KeysApi.CreateAsync(gateway.AdminApi, "second-admin", role: "admin");
        var (_, userKey) = await KeysApi.CreateAsync(gateway.AdminApi, "user");
        using var asUser = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        asUser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", userKey);
        var values = new Dictionary<string, string> { ["{id}"] = adminKeyId, ["{name}"] = "chat", ["{address}"] = "203.0.113.9" };
        var reads = AdminOpenApiDocument.Routes(gateway.Host.AdminRoutes)
            // One rollout is shown by its id; this fixture runs none (Rollouts/RolloutEndToEndTests read one).
            .Where(r => r.Method == "GET" && r.Pattern is not ("/healthz" or "/readyz" or "/" or "/ui/{file}" or "/admin/v1/rollouts/{rollout}" or Aigis.Dashboard.DashboardEndpoints.StreamPath))
            .Select(r => values.Aggregate(r.Pattern, (p, v) => p.Replace(v.Key, v.Value, StringComparison.Ordinal)))
            .Select(p => p.Replace("/tenants/chat", "/tenants/default", StringComparison.Ordinal))
            .ToArray();

        Assert.Contains("/admin/v1/services", reads);
        foreach (var path in reads)
        {
            var anonymous = await gateway.Admin.GetAsync(path);
            var user = await asUser.GetAsync(path);
            var admin = await gateway.AdminApi.GetAsync(path);

            Assert.True(anonymous.StatusCode == HttpStatusCode.Unauthorized, $"{path} without a key: {anonymous.StatusCode}");
            Assert.True(user.StatusCode == HttpStatusCode.Forbidden, $"{path} with a user key: {user.StatusCode}");
            Assert.True(admin.StatusCode == HttpStatusCode.OK, $"{path} with an admin key: {admin.StatusCode} {await admin.Content.ReadAsStringAsync()}");
            Assert.Equal(JsonValueKind.Object, (await Json.ReadAsync(admin)).ValueKind);
        }
    }

    [Fact]
    public async Task Keys_page_by_cursor_with_no_gap_and_no_repeat_and_filter_by_tenant()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var created = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            created.Add((await KeysApi.CreateAsync(gateway.AdminApi, $"k{i}", tenant: i % 3 == 0 ? "acme" : null)).Id);
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await Json.ReadAsync(await gateway.AdminApi.GetAsync($"/admin/v1/keys?limit=5{(cursor is null ? "" : "&cursor=" + cursor)}"));
            seen.AddRange(page.GetProperty("data").EnumerateArray().Select(k => k.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null);
        var acme = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/keys?tenant=acme"));
        var badCursor = await gateway.AdminApi.GetAsync("/admin/v1/keys?cursor=not-a-cursor");
        var badLimit = await gateway.AdminApi.GetAsync("/admin/v1/keys?limit=0");

        Assert.Equal(3, pages);
        Assert.Equal(13, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(created, seen.Skip(1));
        Assert.Equal(4, acme.GetProperty("data").GetArrayLength());
        Assert.All(acme.GetProperty("data").EnumerateArray(), k => Assert.Equal("acme", k.GetProperty("tenant").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
        Assert.Equal("invalid_field", (await Json.ErrorAsync(badCursor)).Code);
        Assert.Equal(HttpStatusCode.BadRequest, badLimit.StatusCode);
    }

    [Fact]
    public async Task Audit_filters_by_action_family_and_actor_and_pages_newest_first()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await KeysApi.CreateAsync(gateway.AdminApi, $"k{i}")).Id);
        }

        await KeysApi.RevokeAsync(gateway.AdminApi, ids[0]);

        var first = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?action=key.*&limit=2"));
        var second = await Json.ReadAsync(await gateway.AdminApi.GetAsync($"/admin/v1/audit?action=key.*&limit=2&cursor={first.GetProperty("next_cursor").GetString()}"));
        var revoked = await Json.ReadAsync(await gateway.AdminApi.GetAsync($"/admin/v1/audit?action=key.revoked&subject={ids[0]}"));
        var badAction = await gateway.AdminApi.GetAsync("/admin/v1/audit?action=*.created");
        var badSince = await gateway.AdminApi.GetAsync("/admin/v1/audit?since=yesterday");

        var actions = first.GetProperty("data").EnumerateArray().Concat(second.GetProperty("data").EnumerateArray()).Select(e => e.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["key.revoked", "key.created", "key.created", "key.created"], actions);
        var revocation = Assert.Single(revoked.GetProperty("data").EnumerateArray());
        Assert.StartsWith(gateway.AdminKey[6..14], revocation.GetProperty("actor").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, badAction.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badSince.StatusCode);
    }

    [Fact]
    public async Task Security_events_hold_refusals_and_not_routine_changes()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);
        await KeysApi.CreateAsync(gateway.AdminApi, "k");
        await KeysApi.ChatAsync(gateway.Public, KeysApi.Bearer("aigis_WRONGKEY_notasecret"));

        var events = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/security/events"));
        var narrowed = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/security/events?action=key.created"));

        var actions = events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToArray();
        Assert.Contains("auth.refused", actions);
        Assert.DoesNotContain("key.created", actions);
        Assert.DoesNotContain("admin.call", actions);
        Assert.Equal(0, narrowed.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Services_show_routing_policy_and_live_instance_state()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream));

        var list = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/services"));
        var detail = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/services/chat"));
        var missing = await gateway.AdminApi.GetAsync("/admin/v1/services/nope");

        var service = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("chat", service.GetProperty("name").GetString());
        Assert.Equal("llm", service.GetProperty("kind").GetString());
        Assert.Equal("round-robin", service.GetProperty("balancer").GetString());
        Assert.Equal(1, service.GetProperty("healthy_instances").GetInt32());
        var instance = Assert.Single(detail.GetProperty("instances").EnumerateArray());
        Assert.True(instance.GetProperty("healthy").GetBoolean());
        Assert.Equal("closed", instance.GetProperty("breaker").GetString());
        Assert.Equal(upstream.Url.OriginalString.TrimEnd('/'), instance.GetProperty("url").GetString()!.TrimEnd('/'));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Config_reports_the_last_reload_and_what_it_changed_and_diffs_a_candidate()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream));
        var outcome = await gateway.RewriteConfigAsync(AuthenticationTests.Services(upstream).Replace("models: [m]", "models: [m, m2]", StringComparison.Ordinal));

        var status = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/config"));
        var candidate = GatewayUnderTest.Compose(AuthenticationTests.Services(upstream), "", gateway.Directory);
        var diff = await Json.ReadAsync(await gateway.AdminApi.PostAsync("/admin/v1/config/diff?name=next.yaml", new StringContent(candidate)));
        var invalid = await Json.ReadAsync(await gateway.AdminApi.PostAsync("/admin/v1/config/diff?name=next.yaml", new StringContent("services: [{name: x}]\nnope: 1\n")));

        Assert.True(outcome.Applied);
        Assert.True(status.GetProperty("last_reload").GetProperty("applied").GetBoolean());
        var change = Assert.Single(status.GetProperty("last_change").EnumerateArray());
        Assert.Equal("services[chat].models[1]", change.GetProperty("path").GetString());
        Assert.Equal("added", change.GetProperty("change").GetString());
        Assert.Equal("m2", change.GetProperty("after").GetString());
        Assert.True(diff.GetProperty("valid").GetBoolean());
        var back = Assert.Single(diff.GetProperty("changes").EnumerateArray());
        Assert.Equal("removed", back.GetProperty("change").GetString());
        Assert.False(invalid.GetProperty("valid").GetBoolean());
        Assert.Contains(invalid.GetProperty("errors").EnumerateArray(), e => e.GetString()!.StartsWith("next.yaml:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Limits_show_each_window_used_remaining_and_reset_live()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);
        await TenantsApi.EnsureAsync(gateway.AdminApi, "acme", """{"services":["*"],"models":["*"],"limits":{"requests_per_minute":10}}""");
        var (_, key) = await KeysApi.CreateAsync(gateway.AdminApi, "k", tenant: "acme");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await KeysApi.ChatAsync(gateway.Public, KeysApi.Bearer(key))).StatusCode);
        }

        var limits = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/limits?tenant=acme"));
        var other = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/limits?tenant=nobody"));

        var acme = Assert.Single(limits.GetProperty("data").EnumerateArray());
        Assert.Equal(("tenant", "acme"), (acme.GetProperty("scope").GetString(), acme.GetProperty("subject").GetString()));
        var window = Assert.Single(acme.GetProperty("windows").EnumerateArray());
        Assert.Equal("requests_per_minute", window.GetProperty("kind").GetString());
        Assert.Equal((10, 3, 7), (window.GetProperty("limit").GetInt64(), window.GetProperty("used").GetInt64(), window.GetProperty("remaining").GetInt64()));
        Assert.InRange(window.GetProperty("resets_at").GetDateTimeOffset() - DateTimeOffset.UtcNow, TimeSpan.FromSeconds(-1), TimeSpan.FromSeconds(61));
        Assert.Equal(0, other.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public void Config_diff_keys_named_list_items_by_name_and_hides_secrets()
    {
        var before = "services:\n  - name: a\n    balancer: round-robin\n  - name: b\njwt:\n  secret: s3cr3t-one\n";
        var after = "services:\n  - name: b\n  - name: a\n    balancer: least-loaded\njwt:\n  secret: s3cr3t-two\n";

        var changes = Aigis.Hosting.ConfigDiff.Compare(before, after);

        Assert.Equal(2, changes.Count);
        Assert.Equal(("jwt.secret", "(hidden)", "(hidden)"), (changes[0].Path, changes[0].Before, changes[0].After));
        Assert.Equal(("services[a].balancer", "round-robin", "least-loaded"), (changes[1].Path, changes[1].Before, changes[1].After));
    }
}

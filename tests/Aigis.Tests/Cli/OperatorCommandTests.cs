using System.Text.Json;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Cli;

/// <summary>
/// The kubectl-like verbs (<c>get</c>, <c>describe</c>, <c>audit</c>, <c>config diff</c>, <c>context</c>) as a user runs
/// them: the real executable against a running gateway, JSON output parsed. Each run gets its own contexts directory.
/// </summary>
public sealed class OperatorCommandTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);
    private readonly string _configHome = Directory.CreateTempSubdirectory("aigis-cli-home-").FullName;

    public void Dispose() => Directory.Delete(_configHome, recursive: true);

    [Fact]
    public async Task Get_prints_each_resource_as_json_yaml_or_a_table()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream));
        var env = Environment(gateway);

        var services = await JsonAsync(env, "get", "services", "-o", "json");
        var instances = await JsonAsync(env, "get", "instances", "chat", "-o", "json");
        var keys = await JsonAsync(env, "get", "keys", "-o", "json");
        var tenants = await JsonAsync(env, "get", "tenants", "-o", "json");
        var alerts = await JsonAsync(env, "get", "alerts", "-o", "json");
        var bans = await JsonAsync(env, "get", "bans", "-o", "json");
        var table = await RunAsync(env, "get", "services");
        var yaml = await RunAsync(env, "get", "services", "chat", "-o", "yaml");

        Assert.Equal("chat", Assert.Single(services.GetProperty("data").EnumerateArray()).GetProperty("name").GetString());
        var instance = Assert.Single(instances.GetProperty("data").EnumerateArray());
        Assert.True(instance.GetProperty("healthy").GetBoolean());
        Assert.Contains(keys.GetProperty("data").EnumerateArray(), k => k.GetProperty("name").GetString() == "bootstrap-admin");
        Assert.Contains(tenants.GetProperty("data").EnumerateArray(), t => t.GetProperty("name").GetString() == "default");
        Assert.Equal(JsonValueKind.Array, alerts.GetProperty("data").ValueKind);
        Assert.Equal(0, bans.GetProperty("data").GetArrayLength());
        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"(?m)^NAME\s+KIND\s+RUNTIME\s+BALANCER", table.Stdout);
        Assert.Matches(@"(?m)^chat\s+llm\s+static\s+round-robin\s", table.Stdout);
        Assert.Equal(0, yaml.ExitCode);
        Assert.Contains("  name: \"chat\"", yaml.Stdout, StringComparison.Ordinal);
        Assert.Contains("instances:\n  - service: \"chat\"", yaml.Stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_follows_the_cursor_across_pages()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        for (var i = 0; i < 3; i++)
        {
            await KeysApi.CreateAsync(gateway.AdminApi, $"k{i}");
        }

        // 4 keys and 1,000 a page would hide a paging bug; --limit 3 stops early, the full list pages through all.
        var three = await JsonAsync(Environment(gateway), "get", "keys", "--limit", "3", "-o", "json");
        var all = await JsonAsync(Environment(gateway), "get", "keys", "-o", "json");

        Assert.Equal(3, three.GetProperty("data").GetArrayLength());
        Assert.Equal(4, all.GetProperty("data").GetArrayLength());
    }

    [Fact]
    public async Task Describe_service_shows_its_routing_and_each_instance()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream));

        var text = await RunAsync(Environment(gateway), "describe", "service", "chat");
        var json = await JsonAsync(Environment(gateway), "describe", "service", "chat", "-o", "json");
        var missing = await RunAsync(Environment(gateway), "describe", "service", "nope");

        Assert.Equal(0, text.ExitCode);
        Assert.Contains("Balancer:   round-robin", text.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^Instances:\s*$", text.Stdout);
        Assert.Matches(@"(?m)^\S+\s+http://127\.0\.0\.1:\d+/?\s+yes\s+yes\s+no\s+closed\s+0\s", text.Stdout);
        Assert.Equal("chat", json.GetProperty("service").GetProperty("name").GetString());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("(404)", missing.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_since_an_age_shows_the_changes_just_made()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var (id, _) = await KeysApi.CreateAsync(gateway.AdminApi, "billing");

        var audit = await JsonAsync(Environment(gateway), "audit", "--since", "1h", "--action", "key.*", "-o", "json");
        var badSince = await RunAsync(Environment(gateway), "audit", "--since", "lately");

        // Newest first: the key just made, then the bootstrap admin key made at start.
        var created = audit.GetProperty("data")[0];
        Assert.Equal(2, audit.GetProperty("data").GetArrayLength());
        Assert.Equal("key.created", created.GetProperty("action").GetString());
        Assert.Equal(id, created.GetProperty("subject").GetString());
        Assert.Equal(2, badSince.ExitCode);
        Assert.Single(badSince.Stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Config_diff_shows_what_a_reload_would_change_and_refuses_a_bad_file()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream));
        var next = Path.Combine(_configHome, "next.yaml");
        await File.WriteAllTextAsync(next, GatewayUnderTest.Compose(AuthenticationTests.Services(upstream).Replace("models: [m]", "models: [m, m2]", StringComparison.Ordinal), "", gateway.Directory));
        var bad = Path.Combine(_configHome, "bad.yaml");
        await File.WriteAllTextAsync(bad, "services:\n  - name: x\n    kind: teapot\n");

        var diff = await RunAsync(Environment(gateway), "config", "diff", next);
        var same = await RunAsync(Environment(gateway), "config", "diff", gateway.ConfigPath);
        var refused = await RunAsync(Environment(gateway), "config", "diff", bad);

        Assert.Equal(0, diff.ExitCode);
        Assert.Equal("+ services[chat].models[1]: m2", diff.Stdout.Trim());
        Assert.Equal("no changes: a reload of this file would change nothing", same.Stdout.Trim());
        Assert.Equal(2, refused.ExitCode);
        Assert.Matches(@"bad\.yaml:\d+:\d+: ", refused.Stderr);
        Assert.DoesNotContain("   at ", refused.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Contexts_choose_the_admin_url_and_key_and_never_print_the_key()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var url = gateway.Admin.BaseAddress!.ToString();
        var noEnv = Bare();

        var setLocal = await RunAsync(With(noEnv, ("AIGIS_ADMIN_KEY", gateway.AdminKey)), "context", "set", "local", "--admin-url", url);
        var setDead = await RunAsync(With(noEnv, ("AIGIS_ADMIN_KEY", gateway.AdminKey)), "context", "set", "dead", "--admin-url", $"http://127.0.0.1:{CommandLineTests.FreePort()}");
        var viaCurrent = await RunAsync(noEnv, "get", "keys", "-o", "json");
        var useDead = await RunAsync(noEnv, "context", "use", "dead");
        var viaDead = await RunAsync(noEnv, "get", "keys");
        var viaFlag = await RunAsync(noEnv, "get", "keys", "--context", "local", "-o", "json");
        var unknown = await RunAsync(noEnv, "context", "use", "nope");
        var list = await JsonAsync(noEnv, "context", "list", "-o", "json");
        var file = Path.Combine(_configHome, "config");

        Assert.Equal(0, setLocal.ExitCode);
        Assert.Equal(0, setDead.ExitCode);
        Assert.Equal(0, viaCurrent.ExitCode);
        Assert.Equal(0, useDead.ExitCode);
        Assert.Equal(1, viaDead.ExitCode);
        Assert.StartsWith("aigis get: cannot reach the admin API", viaDead.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, viaFlag.ExitCode);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("there is no context 'nope'", unknown.Stderr, StringComparison.Ordinal);
        Assert.Equal(["dead", "local"], list.GetProperty("data").EnumerateArray().Select(c => c.GetProperty("name").GetString()!).ToArray());
        Assert.True(list.GetProperty("data")[0].GetProperty("current").GetBoolean());
        Assert.DoesNotContain(gateway.AdminKey, setLocal.Stdout + list.GetRawText(), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Limits_get_shows_a_tenants_live_window()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);
        await TenantsApi.EnsureAsync(gateway.AdminApi, "acme", """{"services":["*"],"models":["*"],"limits":{"requests_per_minute":10}}""");
        var (_, key) = await KeysApi.CreateAsync(gateway.AdminApi, "k", tenant: "acme");
        await KeysApi.ChatAsync(gateway.Public, KeysApi.Bearer(key));

        var json = await JsonAsync(Environment(gateway), "limits", "get", "--tenant", "acme", "-o", "json");
        var table = await RunAsync(Environment(gateway), "limits", "get", "--tenant", "acme");

        var window = Assert.Single(Assert.Single(json.GetProperty("data").EnumerateArray()).GetProperty("windows").EnumerateArray());
        Assert.Equal(1, window.GetProperty("used").GetInt64());
        Assert.Matches(@"(?m)^tenant\s+acme\s+requests_per_minute\s+1\s+10\s+9\s", table.Stdout);
    }

    [Fact]
    public async Task A_wrong_admin_key_says_so_in_one_line_with_exit_1()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var env = With(Bare(), ("AIGIS_ADMIN_URL", gateway.Admin.BaseAddress!.ToString()), ("AIGIS_ADMIN_KEY", "aigis_ABCDEFGH_notthekey"));

        var result = await RunAsync(env, "get", "services");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("aigis get: the admin key was refused by http://127.0.0.1:", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("get nothing", "nothing")]
    [InlineData("get services -o xml", "xml")]
    [InlineData("describe service", "NAME")]
    [InlineData("context set bad/name", "not a context name")]
    public async Task Bad_usage_is_one_clear_line_and_exit_2(string args, string expected)
    {
        var result = await RunAsync(With(Bare(), ("AIGIS_ADMIN_KEY", "aigis_x")), args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Bare() => new()
    {
        ["AIGIS_CONFIG_HOME"] = _configHome,
        ["AIGIS_ADMIN_URL"] = "",
        ["AIGIS_ADMIN_KEY"] = "",
    };

    private Dictionary<string, string> Environment(GatewayUnderTest gateway) =>
        With(Bare(), ("AIGIS_ADMIN_URL", gateway.Admin.BaseAddress!.ToString()), ("AIGIS_ADMIN_KEY", gateway.AdminKey));

    private static Dictionary<string, string> With(Dictionary<string, string> env, params (string Name, string Value)[] values)
    {
        var copy = new Dictionary<string, string>(env);
        foreach (var (name, value) in values)
        {
            copy[name] = value;
        }

        return copy;
    }

    private static async Task<JsonElement> JsonAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var (exitCode, stdout, stderr) = await RunAsync(environment, args);
        Assert.True(exitCode == 0, $"aigis {string.Join(' ', args)}: exit {exitCode}: {stderr}");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = AigisProcess.Start(environment, args);
        var exitCode = await process.WaitForExitAsync(s_timeout);
        return (exitCode, process.Stdout, process.Stderr);
    }
}

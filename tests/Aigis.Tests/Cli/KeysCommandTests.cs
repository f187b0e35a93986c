using System.Net;
using System.Text.RegularExpressions;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Cli;

/// <summary><c>aigis keys ...</c> as a user runs it: the real executable against a running gateway's admin API.</summary>
public sealed partial class KeysCommandTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Create_list_rotate_and_revoke_through_the_cli()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await AuthenticationTests.StartAsync(upstream);
        var env = Environment(gateway);
        await TenantsApi.EnsureAsync(gateway.AdminApi, "acme");

        var create = await RunAsync(env, "keys", "create", "--name", "billing", "--tenant", "acme", "--expires", "30d");
        var key = KeyLine().Match(create.Stdout).Groups["key"].Value;
        var id = key[6..14];
        var call = await KeysApi.ChatAsync(gateway.Public, KeysApi.Bearer(key));
        var list = await RunAsync(env, "keys", "list");
        var rotate = await RunAsync(env, "keys", "rotate", id, "--overlap", "0s");
        var newKey = KeyLine().Match(rotate.Stdout).Groups["key"].Value;
        var oldAfterRotate = await KeysApi.ChatAsync(gateway.Public, KeysApi.Bearer(key));
        var revoke = await RunAsync(env, "keys", "revoke", newKey[6..14]);
        var newAfterRevoke = await KeysApi.ChatAsync(gateway.Public, KeysApi.Bearer(newKey));

        Assert.Equal(0, create.ExitCode);
        Assert.Contains($"id: {id}  name: billing  tenant: acme  role: user  expires: ", create.Stdout, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
        Assert.Equal(0, list.ExitCode);
        Assert.Matches($@"(?m)^{id}\s+billing\s+acme\s+user\s+active\s", list.Stdout);
        Assert.Matches(@"(?m)^\w{8}\s+bootstrap-admin\s+default\s+admin\s+active\s", list.Stdout);
        Assert.DoesNotContain(key, list.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, rotate.ExitCode);
        Assert.Contains($"replaces {id}, which stays valid until", rotate.Stdout, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfterRotate.StatusCode);
        Assert.Equal(0, revoke.ExitCode);
        Assert.StartsWith($"revoked {newKey[6..14]} (name billing, tenant acme, role user)", revoke.Stdout, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, newAfterRevoke.StatusCode);
    }

    [Fact]
    public async Task Flags_override_the_environment()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var env = new Dictionary<string, string> { ["AIGIS_ADMIN_URL"] = "http://127.0.0.1:1", ["AIGIS_ADMIN_KEY"] = "aigis_wrong" };

        var result = await RunAsync(env, "keys", "list", "--admin-url", gateway.Admin.BaseAddress!.ToString(), "--admin-key", gateway.AdminKey);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("bootstrap-admin", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refusal_by_the_admin_api_is_one_line_and_exit_1()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var (_, userKey) = await KeysApi.CreateAsync(gateway.AdminApi, "user");
        var asUser = new Dictionary<string, string> { ["AIGIS_ADMIN_URL"] = gateway.Admin.BaseAddress!.ToString(), ["AIGIS_ADMIN_KEY"] = userKey };

        var forbidden = await RunAsync(asUser, "keys", "list");
        var unknown = await RunAsync(Environment(gateway), "keys", "revoke", "ZZZZZZZZ");

        Assert.Equal(1, forbidden.ExitCode);
        Assert.Equal("aigis keys list: the admin API refused (403): This is the admin API; it needs a key with the admin role. (admin_key_required)", forbidden.Stderr.Trim());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("(404)", unknown.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_admin_api_is_exit_1()
    {
        var env = new Dictionary<string, string> { ["AIGIS_ADMIN_URL"] = $"http://127.0.0.1:{CommandLineTests.FreePort()}", ["AIGIS_ADMIN_KEY"] = "aigis_x" };

        var result = await RunAsync(env, "keys", "list");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("aigis keys list: cannot reach the admin API at http://127.0.0.1:", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "keys list", "no admin key: set AIGIS_ADMIN_KEY")]
    [InlineData("aigis_x", "keys create --name a --expires 30", "--expires: ")]
    [InlineData("aigis_x", "keys create --name a --role root", "root")]
    [InlineData("aigis_x", "keys create", "--name")]
    [InlineData("aigis_x", "keys revoke not-an-id", "is not a key id")]
    [InlineData("aigis_x", "keys rotate ABCDEFGH --overlap soon", "--overlap: ")]
    [InlineData("aigis_x", "keys list --admin-url ftp://x", "is not an http or https URL")]
    public async Task Bad_usage_is_one_line_and_exit_2(string adminKey, string args, string expected)
    {
        var env = new Dictionary<string, string> { ["AIGIS_ADMIN_URL"] = "http://127.0.0.1:1", ["AIGIS_ADMIN_KEY"] = adminKey };

        var result = await RunAsync(env, args.Split(' '));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenants_are_created_shown_updated_listed_and_deleted_through_the_cli()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var env = Environment(gateway);

        var create = await RunAsync(env, "tenants", "create", "acme", "--models", "gpt-*,sim-embed", "--services", "chat", "--rpm", "60", "--key-concurrency", "2", "--budget", "7.50", "--budget-period", "day");
        var update = await RunAsync(env, "tenants", "update", "acme", "--tpm", "1000", "--priority", "high");
        var clear = await RunAsync(env, "tenants", "update", "acme", "--rpm", "none", "--budget", "none");
        var show = await RunAsync(env, "tenants", "show", "acme");
        var list = await RunAsync(env, "tenants", "list");
        var key = await RunAsync(env, "keys", "create", "--name", "k", "--tenant", "acme");
        var blocked = await RunAsync(env, "tenants", "delete", "acme");
        var badLimit = await RunAsync(env, "tenants", "update", "acme", "--rpm", "lots");

        Assert.Equal(0, create.ExitCode);
        Assert.Contains("models: gpt-*,sim-embed", create.Stdout, StringComparison.Ordinal);
        Assert.Contains("limits: rpm=60 key_concurrency=2", create.Stdout, StringComparison.Ordinal);
        Assert.Contains("budget: $7.5/day", create.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, update.ExitCode);
        Assert.Contains("limits: rpm=60 tpm=1000 key_concurrency=2", update.Stdout, StringComparison.Ordinal);
        Assert.Contains("priority: high", update.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, clear.ExitCode);
        Assert.Contains("limits: tpm=1000 key_concurrency=2", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("budget: none", show.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^acme\s+user\s+high\s+chat\s+gpt-\*,sim-embed\s", list.Stdout);
        Assert.Matches(@"(?m)^default\s+admin\s+normal\s+\*\s+\*\s", list.Stdout);
        Assert.Equal(0, key.ExitCode);
        Assert.Equal(1, blocked.ExitCode);
        Assert.Contains("tenant_has_keys", blocked.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, badLimit.ExitCode);
        Assert.Contains("--rpm: 'lots' is not a whole number", badLimit.Stderr, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Environment(GatewayUnderTest gateway) => new()
    {
        ["AIGIS_ADMIN_URL"] = gateway.Admin.BaseAddress!.ToString(),
        ["AIGIS_ADMIN_KEY"] = gateway.AdminKey,
    };

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = AigisProcess.Start(environment, args);
        var exitCode = await process.WaitForExitAsync(s_timeout);
        return (exitCode, process.Stdout, process.Stderr);
    }

    [GeneratedRegex(@"^key: (?<key>aigis_\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}

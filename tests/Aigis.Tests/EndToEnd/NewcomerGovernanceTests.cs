using System.ClientModel;
using System.Text.RegularExpressions;
using Aigis.Sim;
using Aigis.Sim.Http;
using Aigis.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace Aigis.Tests.EndToEnd;

/// <summary>
/// The issue's "done when", as a newcomer does it: a tenant and a key made with the real CLI, the OpenAI SDK
/// calling a simulated model with that key, a 404 for a model the tenant may not use (as for one nobody serves), a 429 past its limit,
/// and each decision read back from the audit log.
/// </summary>
public sealed partial class NewcomerGovernanceTests
{
    [Fact]
    public async Task Cli_tenant_and_key_then_the_sdk_gets_its_model_a_404_a_429_and_every_decision_is_in_the_audit_log()
    {
        await using var sim = await SimServer.StartAsync(new SimOptions { Models = ["sim-llama-3-8b", "sim-secret"], Seed = 1, TimeScale = 20 }, CancellationToken.None);
        await using var gateway = await GatewayUnderTest.StartAsync(
            $"  - {{name: chat, kind: llm, models: [sim-llama-3-8b, sim-secret], instances: [\"{sim.BaseAddress}\"]}}",

            // The gateway's clock stands still, so the per-minute window cannot renew in the middle of the test.
            new Hosting.AigisHostOptions { TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 10, TimeSpan.Zero)) },
            "  auth: required");
        var env = new Dictionary<string, string> { ["AIGIS_ADMIN_URL"] = gateway.Admin.BaseAddress!.ToString(), ["AIGIS_ADMIN_KEY"] = gateway.AdminKey };

        var tenant = await RunAsync(env, "tenants", "create", "team-a", "--models", "sim-llama-*", "--rpm", "2");
        var created = await RunAsync(env, "keys", "create", "--name", "notebook", "--tenant", "team-a");
        var key = KeyLine().Match(created.Stdout).Groups["key"].Value;
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions
        {
            Endpoint = new Uri(gateway.Public.BaseAddress!, "v1"),

            // The SDK would honour Retry-After and wait out the minute; the 429 itself is what is tested.
            RetryPolicy = new System.ClientModel.Primitives.ClientRetryPolicy(maxRetries: 0),
        });
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 4 };

        ChatCompletion allowed = await client.GetChatClient("sim-llama-3-8b").CompleteChatAsync([new UserChatMessage("hello")], options);
        var forbidden = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("sim-secret").CompleteChatAsync([new UserChatMessage("hello")], options));
        await client.GetChatClient("sim-llama-3-8b").CompleteChatAsync([new UserChatMessage("hello")], options);
        var limited = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("sim-llama-3-8b").CompleteChatAsync([new UserChatMessage("hello")], options));
        var audit = await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/audit?limit=1000"));
        var actions = audit.GetProperty("data").EnumerateArray().Select(e => (Action: e.GetProperty("action").GetString(), Reason: e.TryGetProperty("reason", out var r) ? r.GetString() : null)).ToArray();

        Assert.Equal(0, tenant.ExitCode);
        Assert.Equal(0, created.ExitCode);
        Assert.Equal(4, allowed.Usage.OutputTokenCount);
        Assert.Equal(404, forbidden.Status);
        Assert.Equal(429, limited.Status);
        Assert.Contains(("tenant.created", (string?)null), actions);
        Assert.Contains(("key.created", (string?)null), actions);
        Assert.Contains(("access.refused", "model_not_allowed"), actions);
        Assert.Contains(("limit.refused", "rate_limit_exceeded"), actions);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        await using var process = AigisProcess.Start(environment, args);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, process.Stdout, process.Stderr);
    }

    [GeneratedRegex(@"^key: (?<key>aigis_\S+)$", RegexOptions.Multiline)]
    private static partial Regex KeyLine();
}

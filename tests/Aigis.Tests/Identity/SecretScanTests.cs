using System.Text;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Aigis.Tests.Identity.KeysApi;

namespace Aigis.Tests.Identity;

/// <summary>
/// One run through every identity path that writes logs or audit records (keys, tenants, JWTs, refusals for
/// authentication, access, rate limits and budgets, streamed and plain responses), then a scan of every log
/// line, every audit record and the store's files for any secret or prompt that passed through.
/// </summary>
public sealed class SecretScanTests
{
    private const string PromptMarker = "PROMPT-MARKER-do-not-log-7f3a";

    [Fact]
    public async Task No_key_token_jwt_secret_or_prompt_is_in_any_log_line_audit_record_or_store_file()
    {
        var logs = new CapturingLoggerProvider();
        // Everything aigis writes, at trace; the framework from warnings up, as `aigis up` configures it
        // (ConsoleLogging): ASP.NET's own request lines at information level quote the query string.
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace)
            .AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning).AddFilter("Yarp", LogLevel.Warning));
        var directory = Directory.CreateTempSubdirectory("aigis-scan-").FullName;
        var jwtSecret = "scan-test-jwt-secret-" + Guid.NewGuid().ToString("N");
        var secretFile = Path.Combine(directory, "jwt-secret");
        await File.WriteAllTextAsync(secretFile, jwtSecret);
        try
        {
            await using var upstream = await TestUpstream.StartAsync("chat", async (context, request) =>
            {
                context.Response.ContentType = Encoding.UTF8.GetString(request.Body).Contains("\"stream\":true", StringComparison.Ordinal) ? "text/event-stream" : "application/json";
                await context.Response.WriteAsync(context.Response.ContentType == "text/event-stream"
                    ? "data: {\"choices\":[{\"delta\":{\"content\":\"answer\"}}]}\n\ndata: [DONE]\n\n"
                    : """{"choices":[{"message":{"content":"answer"}}],"usage":{"prompt_tokens":5,"completion_tokens":5}}""");
            });
            await using var gateway = await GatewayUnderTest.StartAsync(
                $"  - {{name: chat, kind: llm, models: [m, secret-model], instances: [\"{upstream.Url}\"]}}\n  - {{name: svc, kind: http, instances: [\"{upstream.Url}\"]}}\n"
                + $"usage:\n  models:\n    m: {{input: 1, output: 1}}\njwt:\n  issuer: https://idp.test\n  audience: aigis\n  secretFile: \"{secretFile}\"",
                new AigisHostOptions { LoggerFactory = loggerFactory }, "  auth: required");
            var secrets = new List<string> { gateway.AdminKey, jwtSecret };

            await TenantsApi.CreateAsync(gateway.AdminApi, "acme", """{"models":["m"],"services":["svc"],"limits":{"requests_per_minute":4},"budget":{"usd":0.00001,"period":"day"}}""");
            await TenantsApi.UpdateAsync(gateway.AdminApi, "acme", """{"priority":"high","key_limits":{"concurrent_requests":2}}""");
            var (id, key) = await CreateAsync(gateway.AdminApi, "app", tenant: "acme");
            var (_, other) = await CreateAsync(gateway.AdminApi, "other", tenant: "acme");
            var (_, rotated, _) = await RotateAsync(gateway.AdminApi, id, "1m");
            secrets.AddRange([key, other, rotated]);
            using var client = gateway.PublicWithKey(key);
            var chat = Json.Body($$"""{"model":"m","messages":[{"role":"user","content":"{{PromptMarker}}"}]}""");
            await client.PostAsync("/v1/chat/completions", chat);
            await client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"m","stream":true,"messages":[{"role":"user","content":"{{PromptMarker}}"}]}"""));
            await client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"secret-model","messages":[{"role":"user","content":"{{PromptMarker}}"}]}"""));
            await client.GetAsync("/svc/svc/x?api_key=" + other);
            await client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"m","messages":[{"role":"user","content":"{{PromptMarker}}"}]}"""));
            await client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"m","messages":[{"role":"user","content":"{{PromptMarker}}"}]}"""));
            await ChatAsync(gateway.Public, Bearer(key[..^2] + "xx"));
            await ChatAsync(gateway.Public, ("x-api-key", other), Bearer(key));

            var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = "https://idp.test",
                Audience = "aigis",
                Claims = new Dictionary<string, object> { ["tenant"] = "acme", ["sub"] = "bob" },
                Expires = DateTime.UtcNow.AddHours(1),
                SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwtSecret)), SecurityAlgorithms.HmacSha256),
            });
            secrets.Add(token);
            using var withToken = gateway.PublicWithKey(token);
            await withToken.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
            using var withBadToken = gateway.PublicWithKey(token[..^4] + "AAAA");
            await withBadToken.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
            await RevokeAsync(gateway.AdminApi, id);
            await gateway.Host.Audit.FlushAsync(CancellationToken.None);
            await gateway.Host.Usage.FlushAsync(CancellationToken.None);

            var audit = await gateway.AdminApi.GetStringAsync("/admin/v1/audit?limit=1000");
            var logText = string.Join('\n', logs.Entries.Select(e => e.Message));
            var stored = await StoreFilesAsync(gateway.Directory);

            // The scan must have something to scan: refusals of every kind were recorded.
            foreach (var action in new[] { "tenant.created", "tenant.updated", "key.rotated", "key.revoked", "auth.refused", "access.refused", "limit.refused" })
            {
                Assert.Contains($"\"{action}\"", audit, StringComparison.Ordinal);
            }

            foreach (var (where, text) in new[] { ("log", logText), ("audit", audit), ("store", stored) })
            {
                Assert.DoesNotContain(PromptMarker, text, StringComparison.Ordinal);
                foreach (var secret in secrets)
                {
                    var secretPart = secret.StartsWith("aigis_", StringComparison.Ordinal) ? secret[15..] : secret;
                    Assert.False(text.Contains(secretPart, StringComparison.Ordinal),
                        $"a secret is in the {where}: " + (where == "log" ? string.Join(" | ", logs.Entries.Where(e => e.Message.Contains(secretPart, StringComparison.Ordinal)).Select(e => $"{e.Category}/{e.EventId}")) : ""));
                    if (secret.Split('.') is [_, _, var signature])
                    {
                        Assert.False(text.Contains(signature, StringComparison.Ordinal), $"a JWT signature is in the {where}");
                    }
                }
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<string> StoreFilesAsync(string directory)
    {
        var stored = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(directory, "aigis.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            stored.Append(Encoding.Latin1.GetString(copy.ToArray()));
        }

        return stored.ToString();
    }
}

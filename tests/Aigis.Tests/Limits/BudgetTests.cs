using System.Net;
using System.Text;
using Aigis.Hosting;
using Aigis.Limits;
using Aigis.Store;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using static Aigis.Tests.Limits.RateLimitTests;

namespace Aigis.Tests.Limits;

/// <summary>Spend and budgets: prices per model, charged from counted tokens, enforced at admission with <c>&gt;=</c>.</summary>
public sealed class BudgetTests
{
    private static readonly DateTimeOffset s_start = new(2025, 3, 1, 12, 0, 10, TimeSpan.Zero);

    // Ten seconds before a day and a month end. Time only ever moves a few seconds: a fake clock fires every
    // periodic timer of the gateway once per period it skips.
    private static readonly DateTimeOffset s_lastSeconds = new(2025, 3, 31, 23, 59, 50, TimeSpan.Zero);

    // A dollar per million tokens each way: a token costs one micro-dollar.
    private const string Usage = "usage:\n  models:\n    m: {input: 1, output: 1}";

    [Theory]
    [InlineData(989, HttpStatusCode.OK)]
    [InlineData(990, HttpStatusCode.TooManyRequests)]
    public async Task A_budget_refuses_the_request_after_the_spend_reaches_it_and_not_before(int completionTokens, HttpStatusCode expected)
    {
        var time = new FakeTimeProvider(s_lastSeconds);
        await using var upstream = await UsageUpstreamAsync(10, completionTokens);
        await using var gateway = await StartWithUsageAsync(upstream, time);

        // $0.001 a day: 1000 micro-dollars. The first request costs 10 + completionTokens.
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"budget":{"usd":0.001,"period":"day"}}""");
        using var client = gateway.PublicWithKey(key);

        var first = await ChatAsync(client);
        var second = await ChatAsync(client);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(expected, second.StatusCode);
        if (expected == HttpStatusCode.TooManyRequests)
        {
            var (code, message) = await Json.ErrorAsync(second);
            Assert.Equal("budget_exceeded", code);
            Assert.Contains("$0.001 of $0.001", message, StringComparison.Ordinal);
            Assert.Equal("10", second.Headers.RetryAfter?.ToString());

            // The budget renews with the day.
            time.Advance(TimeSpan.FromSeconds(10));
            Assert.Equal(HttpStatusCode.OK, (await ChatAsync(client)).StatusCode);
        }
    }

    [Fact]
    public async Task A_key_budget_holds_one_key_back_and_leaves_the_others_alone()
    {
        var time = new FakeTimeProvider(s_lastSeconds);
        await using var upstream = await UsageUpstreamAsync(10, 990);
        await using var gateway = await StartWithUsageAsync(upstream, time);
        var spender = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"key_budget":{"usd":0.001,"period":"month"}}""");
        var (_, other) = await KeysApi.CreateAsync(gateway.AdminApi, "other", tenant: "acme");
        using var a = gateway.PublicWithKey(spender);
        using var b = gateway.PublicWithKey(other);

        var first = await ChatAsync(a);
        var again = await ChatAsync(a);
        var otherKey = await ChatAsync(b);
        time.Advance(TimeSpan.FromSeconds(9));
        var laterThisMonth = await ChatAsync(a);
        time.Advance(TimeSpan.FromSeconds(1));
        var nextMonth = await ChatAsync(a);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("budget_exceeded", (await Json.ErrorAsync(again)).Code);
        Assert.Contains("this API key", (await Json.ErrorAsync(again)).Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, laterThisMonth.StatusCode);
        Assert.Equal(HttpStatusCode.OK, nextMonth.StatusCode);
    }

    [Fact]
    public async Task A_streamed_response_is_charged_what_it_used_and_spend_reaches_the_store()
    {
        var time = new FakeTimeProvider(s_start);
        var events = string.Concat(Enumerable.Range(0, 30).Select(_ => "data: {\"choices\":[{\"delta\":{\"content\":\" word\"}}]}\n\n")) + "data: [DONE]\n\n";
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            foreach (var part in events.Chunk(50))
            {
                await context.Response.WriteAsync(new string(part));
                await context.Response.Body.FlushAsync();
            }
        });
        await using var gateway = await StartWithUsageAsync(upstream, time);

        // 38 micro-dollars for the stream (8 prompt + 30 completion tokens) against a 20 micro-dollar budget.
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"budget":{"usd":0.00002,"period":"day"}}""");
        using var client = gateway.PublicWithKey(key);

        var streamed = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m","stream":true,"messages":[{"role":"user","content":"hello"}]}"""));
        await streamed.Content.ReadAsStringAsync();
        var next = await ChatAsync(client);
        await gateway.Host.Usage.FlushAsync(CancellationToken.None);
        var store = new SqliteStore(gateway.StorePath);
        var rows = await store.ReadUsageAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal("budget_exceeded", (await Json.ErrorAsync(next)).Code);
        var tenantRow = Assert.Single(rows, r => r.Subject == "tenant:acme");
        Assert.Equal(new UsageTotals("tenant:acme", new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero), 1, 8, 30, 38), tenantRow);
        Assert.Equal(38, Assert.Single(rows, r => r.Subject == "key:" + key[6..14]).CostMicros);
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task Usage_is_written_in_batches_summed_per_subject_and_day_and_nothing_is_lost_at_a_clean_stop()
    {
        var directory = Directory.CreateTempSubdirectory("aigis-usage-").FullName;
        try
        {
            var store = new SqliteStore(Path.Combine(directory, "aigis.db"));
            await store.MigrateAsync(SqliteMigrations.All, TimeProvider.System, CancellationToken.None);
            var writer = new UsageWriter(store, NullLogger.Instance);
            writer.Start();
            for (var i = 0; i < 5000; i++)
            {
                writer.Record(new UsageRecord(i % 2 == 0 ? "a" : "b", "KEY00001", s_start.AddHours(i % 3 == 0 ? 13 : 0), 2, 3, 5));
            }

            await writer.StopAsync();
            var rows = await store.ReadUsageAsync(DateTimeOffset.UnixEpoch, CancellationToken.None);

            Assert.Equal(5000, writer.Written);
            Assert.Equal(0, writer.Dropped);
            Assert.Equal(5000, rows.Where(r => r.Subject == "key:KEY00001").Sum(r => r.Requests));
            Assert.Equal(2500 * 5, rows.Where(r => r.Subject == "tenant:a").Sum(r => r.CostMicros));
            Assert.Equal(2, rows.Count(r => r.Subject == "tenant:b"));

            var ledger = new SpendLedger(new FakeTimeProvider(s_start.AddDays(1)));
            await ledger.LoadAsync(store, CancellationToken.None);
            Assert.Equal(5000 * 5, ledger.EnterKey("KEY00001").Counter.Spent(Core.Identity.BudgetPeriod.Month, s_start.AddDays(1)));
            Assert.Equal(rows.Where(r => r.Subject == "key:KEY00001" && r.Day == s_start.Date.AddDays(1)).Sum(r => r.CostMicros),
                ledger.EnterKey("KEY00001").Counter.Spent(Core.Identity.BudgetPeriod.Day, s_start.AddDays(1)));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Task<TestUpstream> UsageUpstreamAsync(int prompt, int completion) =>
        TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync($$$"""{"choices":[{"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":{{{prompt}}},"completion_tokens":{{{completion}}}}}""");
        });

    private static Task<GatewayUnderTest> StartWithUsageAsync(TestUpstream upstream, TimeProvider time) =>
        GatewayUnderTest.StartAsync($"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}\n{Usage}",
            new AigisHostOptions { TimeProvider = time }, "  auth: required");
}

using System.Net;
using System.Text;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using static Aigis.Tests.Limits.RateLimitTests;

namespace Aigis.Tests.Limits;

/// <summary>Token limits: prompts counted before forwarding, completions charged from usage or from the stream.</summary>
public sealed class TokenLimitTests
{
    private static readonly DateTimeOffset s_start = new(2025, 3, 1, 12, 0, 10, TimeSpan.Zero);

    [Fact]
    public async Task Tokens_per_minute_charge_the_counted_prompt_then_the_reported_usage()
    {
        var time = new FakeTimeProvider(s_start);
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"choices":[{"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":10,"completion_tokens":90,"total_tokens":100}}""");
        });
        await using var gateway = await StartAsync(upstream, time);
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"tokens_per_minute":150}}""");
        using var client = gateway.PublicWithKey(key);

        var first = await ChatAsync(client);
        var second = await ChatAsync(client);
        var third = await ChatAsync(client);
        time.Advance(TimeSpan.FromSeconds(50));
        var renewed = await ChatAsync(client);

        // "hello" from the user: 3 + 1 + 1 + 3 = 8 prompt tokens counted at admission.
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("150", Header(first, "x-ratelimit-limit-tokens"));
        Assert.Equal("142", Header(first, "x-ratelimit-remaining-tokens"));
        Assert.Equal("3.2s", Header(first, "x-ratelimit-reset-tokens")); // 8 of 150 a minute: 8 x 0.4 s to replenish

        // The first request really used 100 (usage): 50 left, admitted; then 100 more: over.
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("42", Header(second, "x-ratelimit-remaining-tokens"));
        Assert.Equal("43.2s", Header(second, "x-ratelimit-reset-tokens"));
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        var (code, message) = await Json.ErrorAsync(third);
        Assert.Equal("rate_limit_exceeded", code);
        Assert.Contains("tokens per minute (TPM): limit 150", message, StringComparison.Ordinal);
        Assert.Equal("0", Header(third, "x-ratelimit-remaining-tokens"));

        // 200 tokens charged drain in 80 s; one token of room 20.4 s from now.
        Assert.Equal("21", third.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task A_stream_without_usage_is_counted_as_it_passes_and_its_overspend_is_charged()
    {
        var time = new FakeTimeProvider(s_start);

        // 30 chunks of " word": 30 tokens of completion, in events split mid-line and mid-"\r\n" across writes.
        var events = string.Concat(Enumerable.Range(0, 30).Select(i => $"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\" word\"}}}}]}}\r\n\r\n")) + "data: [DONE]\r\n\r\n";
        var bytes = Encoding.UTF8.GetBytes(events);
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var offset = 0; offset < bytes.Length; offset += 37)
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(37, bytes.Length - offset)));
                await context.Response.Body.FlushAsync();
            }
        });
        await using var gateway = await StartAsync(upstream, time);
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"tokens_per_minute":20}}""");
        using var client = gateway.PublicWithKey(key);

        var streamed = await client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m","stream":true,"messages":[{"role":"user","content":"hello"}]}"""));
        var body = await streamed.Content.ReadAsStringAsync();
        var next = await ChatAsync(client);
        time.Advance(TimeSpan.FromSeconds(56));
        var early = await ChatAsync(client);
        time.Advance(TimeSpan.FromSeconds(1));
        var renewed = await ChatAsync(client);

        Assert.Equal(HttpStatusCode.OK, streamed.StatusCode);
        Assert.Equal(events, body);
        Assert.Equal("12", Header(streamed, "x-ratelimit-remaining-tokens"));
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);

        // 38 tokens of a 20-a-minute limit (3 s each) drain in 114 s: room for one token at 114 + 3 - 60 = 57 s.
        Assert.Equal("57", next.Headers.RetryAfter?.ToString());
        Assert.Equal(HttpStatusCode.TooManyRequests, early.StatusCode);
        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
    }

    [Fact]
    public async Task Concurrent_requests_reserve_their_max_tokens_at_admission_and_give_back_what_they_did_not_use()
    {
        var time = new FakeTimeProvider(s_start);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            Interlocked.Increment(ref arrived);
            await release.Task.WaitAsync(TimeSpan.FromSeconds(30));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"choices":[],"usage":{"prompt_tokens":8,"completion_tokens":20,"total_tokens":28}}""");
        });
        await using var gateway = await StartAsync(upstream, time);
        var key = await TenantWithKeyAsync(gateway, "acme", """{"models":["*"],"limits":{"tokens_per_minute":1000}}""");
        using var client = gateway.PublicWithKey(key);
        Task<HttpResponseMessage> Capped() =>
            client.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m","max_tokens":900,"messages":[{"role":"user","content":"hello"}]}"""));

        // Both in flight at once: each holds 8 + 900 from admission, so the third finds nothing left.
        var first = Capped();
        await Eventually.TrueAsync(() => Volatile.Read(ref arrived) == 1, TimeSpan.FromSeconds(30), () => "first request never arrived");
        var second = Capped();
        await Eventually.TrueAsync(() => Volatile.Read(ref arrived) == 2, TimeSpan.FromSeconds(30), () => "second request never arrived");
        var third = await Capped();
        release.SetResult();
        var (a, b) = (await first, await second);

        // Each used 28: the 880 a piece they reserved and did not use is back.
        var after = await ChatAsync(client);

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal(HttpStatusCode.OK, a.StatusCode);
        Assert.Equal("92", Header(a, "x-ratelimit-remaining-tokens"));
        Assert.Equal(HttpStatusCode.OK, b.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal((1000 - 28 - 28 - 8).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(after, "x-ratelimit-remaining-tokens"));
    }
}

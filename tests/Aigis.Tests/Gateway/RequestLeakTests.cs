using System.Net;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Gateway;

/// <summary>
/// Nothing made for a request outlives it. Wave one left a timer and two cancellation sources per request reachable
/// from the shutdown drain (0.9 GB after 850k requests); every timer the request path makes goes through the host's
/// time provider, so one that is never disposed shows up here as a live timer that does not go away.
/// </summary>
public sealed class RequestLeakTests
{
    private const string Answer = """{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""";

    [Fact]
    public async Task No_timer_or_cancellation_source_made_for_a_request_is_alive_after_it_ends()
    {
        await using var upstream = await TestUpstream.StartAsync("llm", ServeAsync);
        var clock = new TimerTrackingTimeProvider();
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                instances: ["{upstream.Url}"]
                timeouts: {"{"}firstByte: 400ms, idle: 400ms{"}"}
                retries: {"{"}attempts: 1{"}"}
              - name: web
                instances: ["{upstream.Url}"]
                timeouts: {"{"}firstByte: 400ms, idle: 400ms{"}"}
                retries: {"{"}attempts: 1{"}"}
            """, new AigisHostOptions { TimeProvider = clock });

        // Warm up: connections, pools and the host's own background timers settle.
        await SendAllAsync(gateway, Enumerable.Repeat("ok", 64));
        var liveBefore = clock.Live;

        // Every way a request can end: served, streamed, timed out before and during the answer, failed, cut
        // mid-stream, and abandoned by its client.
        var kinds = new List<string>();
        for (var i = 0; i < 1500; i++)
        {
            kinds.Add(i % 2 == 0 ? "ok" : "stream");
        }

        for (var i = 0; i < 12; i++)
        {
            kinds.AddRange(["slow", "stall", "fail", "cut", "svc", "abandon"]);
        }

        var statuses = await SendAllAsync(gateway, kinds);
        Assert.True(statuses.Count(s => s == 200) >= 1500, string.Join(',', statuses.GroupBy(s => s).Select(g => $"{g.Key}x{g.Count()}")));
        Assert.Contains(504, statuses);
        Assert.Contains(500, statuses);

        // Requests end on the server a moment after their clients see the end; wait for the pool to hold them all.
        await Eventually.TrueAsync(() => clock.Live <= liveBefore + gateway.Host.Deadlines.Pooled + 4, TimeSpan.FromSeconds(10),
            () => $"{clock.Live - liveBefore} more live timers after {kinds.Count} requests than before them; the deadline pool holds {gateway.Host.Deadlines.Pooled}");
        Assert.True(gateway.Host.Deadlines.Pooled <= 32, $"the deadline pool holds {gateway.Host.Deadlines.Pooled} after at most 16 requests at once");
    }

    private static async Task<List<int>> SendAllAsync(GatewayUnderTest gateway, IEnumerable<string> kinds)
    {
        var statuses = new List<int>();
        using var gate = new SemaphoreSlim(16);
        var tasks = kinds.Select(async kind =>
        {
            await gate.WaitAsync();
            try
            {
                return await SendAsync(gateway, kind);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        foreach (var task in tasks)
        {
            statuses.Add(await task);
        }

        return statuses;
    }

    private static async Task<int> SendAsync(GatewayUnderTest gateway, string kind)
    {
        if (kind == "svc")
        {
            using var plain = await gateway.Public.GetAsync("/svc/web/plain");
            return (int)plain.StatusCode;
        }

        var stream = kind is "stream" or "stall" or "cut" or "abandon";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = Json.Body($$"""{"model":"m","stream":{{(stream ? "true" : "false")}},"user":"{{kind}}"}"""),
        };
        if (kind == "abandon")
        {
            // The client reads the first event and goes away while the upstream is still answering.
            using var abandoned = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var body = await abandoned.Content.ReadAsStreamAsync();
            _ = await body.ReadAsync(new byte[16]);
            return (int)abandoned.StatusCode;
        }

        using var response = await gateway.Public.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();
        return (int)response.StatusCode;
    }

    private static async Task ServeAsync(HttpContext context, ReceivedRequest received)
    {
        var kind = context.Request.Path.Value == "/plain" ? "svc" : System.Text.Json.JsonDocument.Parse(received.Body).RootElement.GetProperty("user").GetString();
        switch (kind)
        {
            case "svc":
                await context.Response.WriteAsync("plain");
                return;
            case "ok":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(Answer);
                return;
            case "fail":
                context.Response.StatusCode = 500;
                await context.Response.WriteAsync("{\"error\":{\"message\":\"boom\"}}");
                return;
            case "slow":
                await Task.Delay(TimeSpan.FromSeconds(2), context.RequestAborted).ContinueWith(_ => { });
                return;
        }

        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n");
        await context.Response.Body.FlushAsync();
        switch (kind)
        {
            case "stall" or "abandon":
                await Task.Delay(TimeSpan.FromSeconds(2), context.RequestAborted).ContinueWith(_ => { });
                return;
            case "cut":
                context.Abort();
                return;
            default:
                await context.Response.WriteAsync("data: [DONE]\n\n");
                return;
        }
    }
}

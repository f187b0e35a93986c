using System.Diagnostics;
using System.Net;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Gateway;

/// <summary>
/// Shutdown drains: requests and streams in flight finish when they can within the shutdown timeout, and what
/// cannot is cut just before it so that nothing looks like a clean finish (503 shutting_down, or an error event).
/// </summary>
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task A_slow_request_and_an_open_stream_in_flight_at_shutdown_both_complete_within_the_deadline()
    {
        await using var upstream = await TestUpstream.StartAsync("slow", async (context, request) =>
        {
            if (request.Path == "/stream")
            {
                await StreamAsync(context, chunks: 4, gap: TimeSpan.FromMilliseconds(400), done: true);
                return;
            }

            await Task.Delay(1500, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"answer":"complete"}""", context.RequestAborted);
        });
        await using var gateway = await GatewayUnderTest.StartAsync(Service(upstream.Url), new AigisHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(15) });
        var (slow, stream) = await StartBothAsync(gateway, upstream);

        var stopwatch = Stopwatch.StartNew();
        var stop = gateway.Host.StopAsync(CancellationToken.None);

        var slowResponse = await slow.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, slowResponse.StatusCode);
        Assert.Equal("""{"answer":"complete"}""", await slowResponse.Content.ReadAsStringAsync());
        var events = await ReadToEndAsync(stream);
        Assert.Equal(4, events.Count(e => e.StartsWith("data: {\"chunk\"", StringComparison.Ordinal)));
        Assert.Equal("data: [DONE]", events[^1]);
        await stop.WaitAsync(TimeSpan.FromSeconds(15));

        // Both finished on their own (about 1.5 s), well before the 15 s deadline (generous slack for a busy machine).
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(12), $"stop took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Past_the_deadline_a_waiting_request_gets_503_and_a_stream_ends_with_an_error_event_not_done()
    {
        await using var upstream = await TestUpstream.StartAsync("stuck", async (context, request) =>
        {
            if (request.Path == "/stream")
            {
                await StreamAsync(context, chunks: 1, gap: TimeSpan.Zero, done: false);
            }

            // Never finishes: the answer never comes, the stream never ends.
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        // A 6 s drain leaves the full 1 s cut margin for writing both answers; with 2 s the margin is 0.5 s, which a
        // busy machine (CI running the whole suite) has missed, resetting the connections instead.
        await using var gateway = await GatewayUnderTest.StartAsync(Service(upstream.Url), new AigisHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(6) });
        var (slow, stream) = await StartBothAsync(gateway, upstream);

        var stopwatch = Stopwatch.StartNew();
        var stop = gateway.Host.StopAsync(CancellationToken.None);

        var slowResponse = await slow.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, slowResponse.StatusCode);
        Assert.Equal("shutting_down", (await Json.ErrorAsync(slowResponse)).Code);
        var events = await ReadToEndAsync(stream);
        Assert.Equal("data: {\"chunk\":0}", events[0]);
        Assert.StartsWith("data: {\"error\":", events[^1], StringComparison.Ordinal);
        Assert.Contains("\"code\":\"shutting_down\"", events[^1], StringComparison.Ordinal);
        Assert.DoesNotContain("data: [DONE]", events);
        await stop.WaitAsync(TimeSpan.FromSeconds(15));

        // Cut just before the 6 s deadline (at 5 s), not earlier and not much later.
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(12));
    }

    [Fact]
    public async Task A_request_waiting_in_the_admission_queue_at_the_cut_gets_503_shutting_down()
    {
        await using var upstream = await TestUpstream.StartAsync("stuck", (context, _) =>
            Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        await using var gateway = await GatewayUnderTest.StartAsync($$$"""
              - name: chat
                kind: http
                instances: ["{{{upstream.Url}}}"]
                admission: {enabled: true, algorithm: fixed, initialLimit: 1, queue: {maxSize: 4, maxWait: 1m}}
            """, new AigisHostOptions { ShutdownTimeout = TimeSpan.FromSeconds(6) });
        var first = gateway.Public.PostAsync("/svc/chat/a", Json.Body("{}"));
        await Eventually.TrueAsync(() => upstream.Received.Count == 1, TimeSpan.FromSeconds(10), () => "the first request never reached the upstream");
        var queued = gateway.Public.PostAsync("/svc/chat/b", Json.Body("{}"));
        var admission = default(System.Text.Json.JsonElement);
        await Eventually.TrueAsync(async () =>
        {
            admission = (await Json.ReadAsync(await gateway.AdminApi.GetAsync("/admin/v1/admission"))).GetProperty("data")[0];
            return admission.GetProperty("queue").GetProperty("queued").GetInt32() == 1;
        }, TimeSpan.FromSeconds(10), () => admission.ToString());

        // A 6 s drain leaves the full 1 s cut margin for writing both answers; with 2 s the margin is 0.5 s, which a
        // busy machine (the whole suite running) has missed, resetting the connections instead.
        await gateway.Host.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20));

        foreach (var response in await Task.WhenAll(first, queued).WaitAsync(TimeSpan.FromSeconds(20)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("shutting_down", (await Json.ErrorAsync(response)).Code);
        }

        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task Aigis_up_on_sigterm_drains_for_gateway_shutdown_timeout_then_cuts_an_open_stream_with_an_error_event()
    {
        await using var upstream = await TestUpstream.StartAsync("stuck", async (context, _) =>
        {
            await StreamAsync(context, chunks: 1, gap: TimeSpan.Zero, done: false);
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        // 4 s, not less: the cut margin is min(1 s, a quarter of the timeout), and a busy machine needs the full second.
        var path = Cli.CommandLineTests.WriteTemp($"gateway: {{auth: disabled, shutdownTimeout: 4s}}\nservices:\n{Service(upstream.Url)}");
        var (listen, admin) = (Cli.CommandLineTests.FreePort(), Cli.CommandLineTests.FreePort());
        await using var aigis = AigisProcess.Start("up", "--config", path, "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}");
        await aigis.WaitForLineAsync("aigis admin listening on", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{listen}") };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/svc/chat/stream") { Content = Json.Body("{}") };
        using var stream = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await Eventually.TrueAsync(() => upstream.Received.Count == 1, TimeSpan.FromSeconds(10), () => "the stream never reached the upstream");

        aigis.Terminate();

        var events = await ReadToEndAsync(stream);
        Assert.Equal("data: {\"chunk\":0}", events[0]);
        Assert.Contains("\"code\":\"shutting_down\"", events[^1], StringComparison.Ordinal);
        Assert.Equal(0, await aigis.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("draining in-flight requests and streams for up to 4s", aigis.Stdout, StringComparison.Ordinal);
    }

    private static string Service(Uri upstream) => $$"""
          - {name: chat, kind: http, instances: ["{{upstream}}"]}
        """;

    /// <summary>Starts a slow request and a stream, and returns once the upstream has both and the stream's headers are in.</summary>
    private static async Task<(Task<HttpResponseMessage> Slow, HttpResponseMessage Stream)> StartBothAsync(GatewayUnderTest gateway, TestUpstream upstream)
    {
        var slow = gateway.Public.PostAsync("/svc/chat/slow", Json.Body("{}"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/svc/chat/stream") { Content = Json.Body("{}") };
        var stream = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
        await Eventually.TrueAsync(() => upstream.Received.Count == 2, TimeSpan.FromSeconds(10), () => $"{upstream.Received.Count} requests reached the upstream");
        return (slow, stream);
    }

    private static async Task StreamAsync(HttpContext context, int chunks, TimeSpan gap, bool done)
    {
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < chunks; i++)
        {
            await context.Response.WriteAsync($"data: {{\"chunk\":{i}}}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (gap > TimeSpan.Zero)
            {
                await Task.Delay(gap, context.RequestAborted);
            }
        }

        if (done)
        {
            await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted);
        }
    }

    /// <summary>The stream's events, read to a clean end (a cut connection would throw here).</summary>
    private static async Task<string[]> ReadToEndAsync(HttpResponseMessage stream)
    {
        var text = await stream.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(15));
        return text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}

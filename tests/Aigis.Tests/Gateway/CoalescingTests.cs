using System.Net;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Gateway;

/// <summary>Single flight: identical cacheable requests in flight together go upstream once.</summary>
public sealed class CoalescingTests
{
    private const int Callers = 20;
    private const string Body = """{"model":"m","temperature":0,"messages":[{"role":"user","content":"Same question"}]}""";
    private const string StreamBody = """{"model":"m","temperature":0,"stream":true,"messages":[{"role":"user","content":"Same question"}]}""";
    private const string FirstEvent = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Same\"}}]}\n\n";
    private const string RestOfStream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" answer\"}}]}\n\n" +
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7}}\n\ndata: [DONE]\n\n";

    /// <summary>An upstream that holds every answer until <paramref name="release"/>; a stream's first event goes at once.</summary>
    private static Task<TestUpstream> HoldingUpstreamAsync(Task release, int status = 200, string answer = """{"answer":"same"}""") =>
        TestUpstream.StartAsync("chat", async (context, request) =>
        {
            if (System.Text.Encoding.UTF8.GetString(request.Body).Contains("\"stream\":true", StringComparison.Ordinal))
            {
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync(FirstEvent);
                await context.Response.Body.FlushAsync();
                await release.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
                await context.Response.WriteAsync(RestOfStream);
                return;
            }

            await release.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer);
        });

    private static async Task<GatewayUnderTest> GatewayAsync(TestUpstream upstream) =>
        await GatewayUnderTest.StartAsync(ResponseCacheTests.Services(upstream.Url));

    /// <summary>Waits until <paramref name="count"/> requests joined the one in flight (they are then all waiting on it).</summary>
    private static Task FollowersAsync(GatewayUnderTest gateway, int count) =>
        Eventually.TrueAsync(() => gateway.Host.Caches.TryGet("chat", out var cache) && cache.Inflight.Followers >= count,
            TimeSpan.FromSeconds(15), () => $"{count} followers");

    [Fact]
    public async Task Identical_requests_in_flight_together_make_one_upstream_call_and_all_get_the_answer()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HoldingUpstreamAsync(release.Task);
        await using var gateway = await GatewayAsync(upstream);

        var calls = Enumerable.Range(0, Callers).Select(_ => gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body))).ToArray();
        await FollowersAsync(gateway, Callers - 1);
        release.SetResult();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Single(upstream.Received);
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("""{"answer":"same"}""", await response.Content.ReadAsStringAsync());
        }

        var headers = responses.Select(r => r.Headers.GetValues("x-aigis-cache").Single()).ToArray();
        Assert.Equal(1, headers.Count(h => h == "miss"));
        Assert.Equal(Callers - 1, headers.Count(h => h == "hit"));
    }

    [Fact]
    public async Task Identical_streams_attach_to_the_leaders_stream_and_get_it_from_its_first_byte()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HoldingUpstreamAsync(release.Task);
        await using var gateway = await GatewayAsync(upstream);

        var streams = await Task.WhenAll(Enumerable.Range(0, Callers).Select(async _ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(StreamBody) };
            var response = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

            // Every caller has the first event while the upstream still holds the rest: read while it is written.
            Assert.Equal(FirstEvent.TrimEnd('\n'), await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)));
            return (response, reader);
        })).WaitAsync(TimeSpan.FromSeconds(20));
        release.SetResult();

        foreach (var (response, reader) in streams)
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("\n" + RestOfStream, await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(15)));
            reader.Dispose();
            response.Dispose();
        }

        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task A_leaders_failure_reaches_every_follower_as_the_same_error_and_is_not_cached()
    {
        const string error = """{"error":{"message":"model crashed","type":"server_error","code":"engine_dead"}}""";
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HoldingUpstreamAsync(release.Task, status: 500, answer: error);
        await using var gateway = await GatewayAsync(upstream);

        var calls = Enumerable.Range(0, Callers).Select(_ => gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body))).ToArray();
        await FollowersAsync(gateway, Callers - 1);
        release.SetResult();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Single(upstream.Received);
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal(error, await response.Content.ReadAsStringAsync());
        }

        // Nothing was stored: the next identical request goes upstream again.
        var again = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body));
        Assert.Equal("miss", again.Headers.GetValues("x-aigis-cache").Single());
        Assert.Equal(2, upstream.Received.Count);
    }

    [Fact]
    public async Task An_error_the_gateway_writes_for_the_leader_reaches_every_follower()
    {
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) => new TaskCompletionSource().Task.WaitAsync(context.RequestAborted));
        await using var gateway = await GatewayUnderTest.StartAsync(
            $"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"], timeouts: {{firstByte: 3s}}, cache: {{enabled: true}}}}");

        var calls = Enumerable.Range(0, 5).Select(_ => gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body))).ToArray();
        await FollowersAsync(gateway, 4);
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        // The leader's 504 was written by the gateway (not the upstream), and was recorded all the same.
        var bodies = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
            bodies.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Contains("\"code\":\"upstream_timeout\"", bodies[0], StringComparison.Ordinal);
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task A_follower_whose_client_leaves_does_not_cancel_the_leader()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var upstreamAborted = false;
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            context.RequestAborted.Register(() => upstreamAborted = true);
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20));
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"answer":"same"}""");
        });
        await using var gateway = await GatewayAsync(upstream);

        var leader = gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body));
        await Eventually.TrueAsync(() => upstream.Received.Count == 1, TimeSpan.FromSeconds(15), () => "the leader upstream");
        using var leaving = new CancellationTokenSource();
        var follower = gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body), leaving.Token);
        await FollowersAsync(gateway, 1);
        leaving.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follower);
        release.SetResult();

        var answer = await leader.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("""{"answer":"same"}""", await answer.Content.ReadAsStringAsync());
        Assert.False(upstreamAborted);
        Assert.Single(upstream.Received);
    }

    [Fact]
    public async Task When_the_leaders_client_leaves_first_a_waiting_follower_goes_upstream_itself()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("chat", async (context, _) =>
        {
            // The first call is held until its client leaves; the second answers at once.
            if (!release.Task.IsCompleted)
            {
                release.TrySetResult();
                await new TaskCompletionSource().Task.WaitAsync(context.RequestAborted);
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync("""{"answer":"same"}""");
        });
        await using var gateway = await GatewayAsync(upstream);

        using var leaving = new CancellationTokenSource();
        var leader = gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body), leaving.Token);
        await release.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var follower = gateway.Public.PostAsync("/v1/chat/completions", Json.Body(Body));
        await FollowersAsync(gateway, 1);
        leaving.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => leader);

        var answer = await follower.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("""{"answer":"same"}""", await answer.Content.ReadAsStringAsync());
        Assert.Equal("miss", answer.Headers.GetValues("x-aigis-cache").Single());
        Assert.Equal(2, upstream.Received.Count);
    }

    [Fact]
    public async Task Different_requests_are_not_coalesced()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await HoldingUpstreamAsync(release.Task);
        await using var gateway = await GatewayAsync(upstream);

        var calls = Enumerable.Range(0, 5).Select(i => gateway.Public.PostAsync("/v1/chat/completions",
            Json.Body($$"""{"model":"m","temperature":0,"messages":[{"role":"user","content":"Question {{i}}"}]}"""))).ToArray();
        await Eventually.TrueAsync(() => upstream.Received.Count == 5, TimeSpan.FromSeconds(15), () => $"5 upstream calls, have {upstream.Received.Count}");
        release.SetResult();
        Assert.All(await Task.WhenAll(calls), r => Assert.Equal("miss", r.Headers.GetValues("x-aigis-cache").Single()));
    }
}

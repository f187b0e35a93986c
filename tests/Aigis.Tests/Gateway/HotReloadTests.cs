using System.Net;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

public sealed class HotReloadTests
{
    [Fact]
    public async Task Config_edits_apply_under_load_with_zero_failed_requests()
    {
        await using var a = await TestUpstream.StartAsync("a");
        await using var b = await TestUpstream.StartAsync("b");
        await using var gateway = await GatewayUnderTest.StartAsync(Services(a.Url));

        // A steady request loop runs through every reload; it is bounded in count and time.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var failures = new List<string>();
        var sent = 0;
        // Four concurrent clients, so reloads land while requests are at every stage of the pipeline.
        var loop = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && Volatile.Read(ref sent) < 20_000)
            {
                var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""), CancellationToken.None);
                Interlocked.Increment(ref sent);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    var detail = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                    lock (failures)
                    {
                        failures.Add(detail);
                    }
                }
            }
        })));

        var moved = await gateway.RewriteConfigAsync(Services(b.Url));
        var both = await gateway.RewriteConfigAsync(Services(a.Url, b.Url));
        var back = await gateway.RewriteConfigAsync(Services(a.Url));
        await stop.CancelAsync();
        await loop;

        Assert.True(moved.Applied && both.Applied && back.Applied);
        Assert.Empty(failures);
        Assert.True(sent > 10, $"only {sent} requests ran during the reloads");
        Assert.NotEmpty(b.Received);
    }

    [Fact]
    public async Task Reload_routes_a_new_model_to_a_new_service()
    {
        await using var a = await TestUpstream.StartAsync("a");
        await using var b = await TestUpstream.StartAsync("b");
        await using var gateway = await GatewayUnderTest.StartAsync(Services(a.Url));
        var before = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"new"}"""));

        var outcome = await gateway.RewriteConfigAsync(Services(a.Url) + $"""

              - {"{"}name: fresh, kind: llm, models: [new], instances: ["{b.Url}"]{"}"}
            """);
        var after = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"new"}"""));

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.True(outcome.Applied);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal("b", (await Json.ReadAsync(after)).GetProperty("upstream").GetString());
    }

    [Fact]
    public async Task Invalid_edit_is_refused_with_located_messages_and_the_running_config_stays()
    {
        await using var a = await TestUpstream.StartAsync("a");
        await using var gateway = await GatewayUnderTest.StartAsync(Services(a.Url));

        var outcome = await gateway.RewriteConfigAsync("""
              - {name: chat, kind: llm, models: [m], balancer: round-robbin, instances: ["ftp://nope"]}
            """);
        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        Assert.False(outcome.Applied);
        Assert.Contains(outcome.Errors, e => e.ToString().StartsWith(gateway.ConfigPath + ":6:", StringComparison.Ordinal) && e.Message.Contains("did you mean 'round-robin'?", StringComparison.Ordinal));
        Assert.Contains(outcome.Errors, e => e.Message.Contains("'ftp://nope' is not an http or https URL", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_request_in_flight_during_a_reload_that_removes_its_instance_completes()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await TestUpstream.StartAsync("slow", async (context, _) =>
        {
            arrived.TrySetResult();
            await release.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            await context.Response.WriteAsync("{\"done\":true}");
        });
        await using var other = await TestUpstream.StartAsync("other");
        await using var gateway = await GatewayUnderTest.StartAsync(Services(slow.Url));

        var inFlight = gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var outcome = await gateway.RewriteConfigAsync(Services(other.Url));
        release.SetResult();
        var response = await inFlight.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(outcome.Applied);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"done\":true}", await response.Content.ReadAsStringAsync());
    }

    private static string Services(params Uri[] instances) => $"""
          - name: chat
            kind: llm
            models: [m]
            instances: [{string.Join(", ", instances.Select(i => $"\"{i}\""))}]
        """;
}

using System.Net;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Resilience;

public sealed class RetryTests
{
    [Fact]
    public async Task A_503_is_retried_on_a_different_instance()
    {
        await using var failing = await Upstreams.StatusAsync("failing", 503);
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                retries: {"{"}attempts: 2{"}"}
                outlierDetection: {"{"}consecutive5xx: 1000{"}"}
                circuitBreaker: {"{"}minimumThroughput: 1000{"}"}
                instances: ["{failing.Url}", "{good.Url}"]
            """);

        for (var i = 0; i < 6; i++)
        {
            var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"upstream\":\"good\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Round-robin sent half the first attempts to the failing instance; each was retried on the other, never on itself.
        Assert.Equal(3, failing.ModelRequests());
        Assert.Equal(6, good.ModelRequests());
    }

    [Fact]
    public async Task A_refused_connection_is_retried_and_the_body_is_sent_again_whole()
    {
        var dead = await Upstreams.DeadUrlAsync();
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{dead}", "{good.Url}"]{"}"}
            """);

        const string body = """{"model":"m","messages":[{"role":"user","content":"hello"}]}""";
        for (var i = 0; i < 4; i++)
        {
            var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body(body));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.All(good.Received, r => Assert.Equal(body, r.BodyText()));
    }

    [Fact]
    public async Task With_the_budget_spent_the_failure_reaches_the_client_and_no_retry_is_sent()
    {
        await using var failing = await Upstreams.StatusAsync("failing", 503);
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                retries: {"{"}attempts: 3, budgetPercent: 0, minRetriesPerSecond: 0{"}"}
                instances: ["{failing.Url}", "{good.Url}"]
            """);

        // Round-robin starts at the first instance: the failing one.
        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("from failing", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, good.ModelRequests());
    }

    [Fact]
    public async Task Never_retries_after_a_streamed_byte_reached_the_client()
    {
        var firstEventRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var breaking = await Upstreams.BreakingStreamAsync("breaking", firstEventRead.Task, context =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        await using var good = await Upstreams.StreamAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{breaking.Url}", "{good.Url}"]{"}"}
            """);

        var text = await Upstreams.ReadStreamAsync(gateway, "m", firstEventRead);

        Assert.StartsWith("data: {\"n\":1}\n\n", text, StringComparison.Ordinal);
        Assert.Contains("upstream_stream_error", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", text, StringComparison.Ordinal);
        Assert.Equal(0, good.ModelRequests());
    }

    [Fact]
    public async Task A_reset_before_the_first_byte_is_retried_elsewhere()
    {
        await using var resetting = await TestUpstream.StartAsync("resetting", (context, _) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        await using var good = await Upstreams.StreamAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{resetting.Url}", "{good.Url}"]{"}"}
            """);

        var text = await Upstreams.ReadStreamAsync(gateway, "m");

        Assert.Equal(1, resetting.ModelRequests());
        Assert.Contains("\"from\":\"good\"", text, StringComparison.Ordinal);
        Assert.EndsWith("data: [DONE]\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_first_byte_timeout_is_retried_elsewhere_and_named_when_it_is_final()
    {
        var release = new TaskCompletionSource();
        await using var silent = await TestUpstream.StartAsync("silent", async (context, _) => await release.Task.WaitAsync(context.RequestAborted));
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                timeouts: {"{"}firstByte: 1s{"}"}
                instances: ["{silent.Url}", "{good.Url}"]
              - name: lonely
                kind: llm
                models: [l]
                timeouts: {"{"}firstByte: 300ms{"}"}
                instances: ["{silent.Url}"]
            """);

        var retried = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        var final = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"l"}"""));
        release.TrySetResult();

        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(HttpStatusCode.GatewayTimeout, final.StatusCode);
        var (code, message) = await Json.ErrorAsync(final);
        Assert.Equal("upstream_timeout", code);
        Assert.Contains("firstByte", message, StringComparison.Ordinal);
    }
}

public sealed class ServiceBodyRetryTests
{
    [Fact]
    public async Task A_svc_request_without_a_body_is_retried_but_one_whose_body_was_read_is_not()
    {
        await using var failing = await Upstreams.StatusAsync("failing", 503);
        await using var good = await TestUpstream.StartAsync("good");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: api
                outlierDetection: {"{"}consecutive5xx: 1000{"}"}
                instances: ["{failing.Url}", "{good.Url}"]
            """);

        // Round-robin: each request starts on the failing instance.
        var get = await gateway.Public.GetAsync("/svc/api/items");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        await gateway.Public.GetAsync("/svc/api/items");

        var post = await gateway.Public.PostAsync("/svc/api/items", new StringContent(new string('x', 1000)));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, post.StatusCode);
        Assert.Contains("from failing", await post.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(good.Received, r => r.Method == "POST");
    }
}

public sealed class LastAttemptTests
{
    [Fact]
    public async Task When_every_instance_failed_the_last_upstream_answer_reaches_the_client()
    {
        await using var first = await Upstreams.StatusAsync("first", 503);
        await using var second = await Upstreams.StatusAsync("second", 502);
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{first.Url}", "{second.Url}"]{"}"}
            """);

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        // Two instances, three attempts allowed: the second attempt is the last possible, so its answer passes through.
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("from second", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, first.ModelRequests());
    }
}

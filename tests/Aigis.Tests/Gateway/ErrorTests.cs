using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

/// <summary>Every refusal has its status, its own code, OpenAI's shape and a request id.</summary>
public sealed class ErrorTests
{
    [Theory]
    [InlineData("/v1/chat/completions", "{\"model\":", HttpStatusCode.BadRequest, "invalid_json")]
    [InlineData("/v1/chat/completions", "[1,2]", HttpStatusCode.BadRequest, "invalid_json")]
    [InlineData("/v1/chat/completions", "", HttpStatusCode.BadRequest, "invalid_json")]
    [InlineData("/v1/chat/completions", "{\"model\":\"m\"} {}", HttpStatusCode.BadRequest, "invalid_json")]
    [InlineData("/v1/chat/completions", "{\"messages\":[]}", HttpStatusCode.BadRequest, "missing_model")]
    [InlineData("/v1/embeddings", "{\"model\":\"\"}", HttpStatusCode.BadRequest, "missing_model")]
    [InlineData("/v1/completions", "{\"model\":42}", HttpStatusCode.BadRequest, "invalid_model")]
    [InlineData("/v1/chat/completions", "{\"model\":\"gpt-nope\"}", HttpStatusCode.NotFound, "model_not_found")]
    [InlineData("/svc/nope/x", "{}", HttpStatusCode.NotFound, "service_not_found")]
    [InlineData("/v2/anything", "{}", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/v1/chat/completions", "{\"model\":\"empty\"}", HttpStatusCode.ServiceUnavailable, "no_upstream")]
    public async Task Refuses_with_status_and_code(string path, string body, HttpStatusCode status, string code)
    {
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - {name: chat, kind: llm, models: [m], instances: ["http://127.0.0.1:9"]}
              - {name: empty, kind: llm, models: [empty]}
            """);

        var response = await gateway.Public.PostAsync(path, Json.Body(body));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(code, (await Json.ErrorAsync(response)).Code);
        Assert.True(response.Headers.Contains("x-request-id"));
    }

    [Fact]
    public async Task Wrong_method_is_405()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var get = await gateway.Public.GetAsync("/v1/chat/completions");
        var post = await gateway.Public.PostAsync("/v1/models", Json.Body("{}"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, get.StatusCode);
        Assert.Equal("method_not_allowed", (await Json.ErrorAsync(get)).Code);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Refused_upstream_connection_is_502_at_once()
    {
        var closedPort = ClosedPort();
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["http://127.0.0.1:{closedPort}"]{"}"}
            """);

        var started = Stopwatch.GetTimestamp();
        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("upstream_unreachable", (await Json.ErrorAsync(response)).Code);
        // Not a timing assertion of speed, a guard against hanging until some default timeout.
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Silent_upstream_is_504_after_the_first_byte_timeout()
    {
        var release = new TaskCompletionSource();
        await using var silent = await TestUpstream.StartAsync("silent", async (context, _) => await release.Task.WaitAsync(context.RequestAborted));
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [m]
                timeouts: {"{"}firstByte: 300ms{"}"}
                retries: {"{"}attempts: 1{"}"}
                instances: ["{silent.Url}"]
            """);

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        release.TrySetResult();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        var (code, message) = await Json.ErrorAsync(response);
        Assert.Equal("upstream_timeout", code);
        Assert.Contains("300ms", message, StringComparison.Ordinal);
        Assert.Contains("firstByte", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream_errors_pass_through_unchanged()
    {
        await using var failing = await TestUpstream.StartAsync("failing", (context, _) =>
        {
            context.Response.StatusCode = 429;
            context.Response.Headers.RetryAfter = "7";
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"error":{"message":"busy","type":"rate_limit_error","code":"busy"}}""");
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{failing.Url}"]{"}"}
            """);

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.RetryAfter?.ToString());
        Assert.Equal("busy", (await Json.ErrorAsync(response)).Code);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

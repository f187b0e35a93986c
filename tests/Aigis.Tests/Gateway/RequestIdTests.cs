using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Gateway;

public sealed class RequestIdTests
{
    [Fact]
    public async Task Keeps_the_client_request_id_and_passes_it_upstream()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("""{"model":"m"}""") };
        request.Headers.Add("x-request-id", "client-id-42");

        var response = await gateway.Public.SendAsync(request);

        Assert.Equal("client-id-42", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("client-id-42", Assert.Single(upstream.Received).Headers["x-request-id"]);
    }

    [Fact]
    public async Task Generates_an_id_when_absent_and_the_upstream_sees_the_same()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """);

        var first = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
        var second = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));

        var firstId = first.Headers.GetValues("x-request-id").Single();
        Assert.Matches("^[0-9a-f]{32}$", firstId);
        Assert.NotEqual(firstId, second.Headers.GetValues("x-request-id").Single());
        Assert.Equal(firstId, upstream.Received.First().Headers["x-request-id"]);
    }

    [Fact]
    public async Task Replaces_an_unsafe_client_id()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        request.Headers.TryAddWithoutValidation("x-request-id", "bad id <script>");

        var response = await gateway.Public.SendAsync(request);

        Assert.Matches("^[0-9a-f]{32}$", response.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task The_gateway_id_wins_over_one_the_upstream_sends()
    {
        await using var upstream = await TestUpstream.StartAsync("chat", (context, _) =>
        {
            context.Response.Headers["x-request-id"] = "upstream-own-id";
            return context.Response.WriteAsync("{}");
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("""{"model":"m"}""") };
        request.Headers.Add("x-request-id", "mine");

        var response = await gateway.Public.SendAsync(request);

        Assert.Equal("mine", response.Headers.GetValues("x-request-id").Single());
    }

    [Fact]
    public async Task Errors_carry_the_request_id()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("{") };
        request.Headers.Add("x-request-id", "err-1");

        var response = await gateway.Public.SendAsync(request);

        Assert.Equal("err-1", response.Headers.GetValues("x-request-id").Single());
    }
}

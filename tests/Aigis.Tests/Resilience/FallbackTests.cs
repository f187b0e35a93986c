using System.Net;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Resilience;

public sealed class FallbackTests
{
    [Fact]
    public async Task Falls_back_in_order_rewriting_the_model_for_each_service()
    {
        var dead = await Upstreams.DeadUrlAsync();
        await using var small = await Upstreams.StatusAsync("small", 503);
        await using var tiny = await TestUpstream.StartAsync("tiny");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - name: chat
                kind: llm
                models: [big]
                retries: {"{"}attempts: 1{"}"}
                fallback: [chat-small, chat-tiny]
                instances: ["{dead}"]
              - name: chat-small
                kind: llm
                models: [small-1, small-2]
                retries: {"{"}attempts: 1{"}"}
                instances: ["{small.Url}"]
              - name: chat-tiny
                kind: llm
                models: [tiny-1]
                instances: ["{tiny.Url}"]
            """);

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"temperature":0,"model":"big","messages":[]}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"upstream\":\"tiny\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("""{"temperature":0,"model":"small-1","messages":[]}""", Assert.Single(small.Received).BodyText());
        Assert.Equal("""{"temperature":0,"model":"tiny-1","messages":[]}""", Assert.Single(tiny.Received).BodyText());
    }

    [Fact]
    public async Task A_service_without_a_healthy_instance_passes_straight_to_its_fallback()
    {
        await using var primary = await TestUpstream.StartAsync("primary");
        await using var backup = await TestUpstream.StartAsync("backup");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [big], fallback: [chat-backup], instances: ["{primary.Url}"]{"}"}
              - {"{"}name: chat-backup, kind: llm, models: [backup], instances: ["{backup.Url}"]{"}"}
            """);
        gateway.Host.State.Routes.ByName["chat"].Instances[0].IsHealthy = false;

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"big"}"""));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, primary.ModelRequests());
        Assert.Equal("""{"model":"backup"}""", Assert.Single(backup.Received).BodyText());
    }

    [Fact]
    public async Task When_every_fallback_fails_the_client_gets_a_clear_error()
    {
        var dead = await Upstreams.DeadUrlAsync();
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [big], fallback: [chat-backup], instances: ["{dead}"]{"}"}
              - {"{"}name: chat-backup, kind: llm, models: [backup], instances: []{"}"}
            """);

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"big"}"""));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var (code, _) = await Json.ErrorAsync(response);
        Assert.Equal("upstream_unreachable", code);
    }

    [Fact]
    public async Task With_no_instance_anywhere_the_answer_is_a_fast_503()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - {name: chat, kind: llm, models: [big], fallback: [chat-backup], instances: []}
              - {name: chat-backup, kind: llm, models: [backup], instances: []}
            """);

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"big"}"""));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var (code, message) = await Json.ErrorAsync(response);
        Assert.Equal("no_upstream", code);
        Assert.Contains("`chat`", message, StringComparison.Ordinal);
    }
}

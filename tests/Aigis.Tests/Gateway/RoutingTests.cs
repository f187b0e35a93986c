using System.Net;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

public sealed class RoutingTests
{
    [Fact]
    public async Task Routes_each_model_endpoint_by_the_body_model_and_forwards_the_exact_bytes()
    {
        await using var chat = await TestUpstream.StartAsync("chat");
        await using var embed = await TestUpstream.StartAsync("embed");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [llama], instances: ["{chat.Url}"]{"}"}
              - {"{"}name: embed, kind: llm, models: [bge], instances: ["{embed.Url}"]{"}"}
            """);

        // Unusual spacing and key order: the gateway must not re-serialize what it forwards.
        const string chatBody = """{ "messages" : [ {"role":"user","content":"hi"} ],   "model":"llama" }""";
        var chatResponse = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body(chatBody));
        var completions = await gateway.Public.PostAsync("/v1/completions", Json.Body("""{"model":"llama","prompt":"x"}"""));
        var embeddings = await gateway.Public.PostAsync("/v1/embeddings", Json.Body("""{"model":"bge","input":"x"}"""));

        Assert.Equal(HttpStatusCode.OK, chatResponse.StatusCode);
        Assert.Equal("chat", (await Json.ReadAsync(chatResponse)).GetProperty("upstream").GetString());
        Assert.Equal("chat", (await Json.ReadAsync(completions)).GetProperty("upstream").GetString());
        Assert.Equal("embed", (await Json.ReadAsync(embeddings)).GetProperty("upstream").GetString());

        var received = chat.Received.ToArray();
        Assert.Equal("/v1/chat/completions", received[0].Path);
        Assert.Equal(chatBody, System.Text.Encoding.UTF8.GetString(received[0].Body));
        Assert.Equal(chatBody.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), received[0].Headers["content-length"]);
        Assert.Equal("/v1/completions", received[1].Path);
        Assert.Equal("/v1/embeddings", Assert.Single(embed.Received).Path);
    }

    [Fact]
    public async Task Forwards_service_paths_with_the_prefix_removed_and_the_query_kept()
    {
        await using var classifier = await TestUpstream.StartAsync("classifier");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: classifier, kind: http, instances: ["{classifier.Url}"]{"}"}
            """);

        var response = await gateway.Public.PostAsync("/svc/classifier/v1/classify?top=3", new ByteArrayContent([1, 2, 3]));
        var root = await gateway.Public.GetAsync("/svc/classifier");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = classifier.Received.ToArray();
        Assert.Equal("/v1/classify", received[0].Path);
        Assert.Equal("?top=3", received[0].Query);
        Assert.Equal([1, 2, 3], received[0].Body);
        Assert.Equal(HttpStatusCode.OK, root.StatusCode);
        Assert.Equal("/", received[1].Path);
    }

    [Fact]
    public async Task Spreads_requests_over_instances_round_robin()
    {
        await using var a = await TestUpstream.StartAsync("a");
        await using var b = await TestUpstream.StartAsync("b");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{a.Url}", "{b.Url}"]{"}"}
            """);

        for (var i = 0; i < 10; i++)
        {
            var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, a.Received.Count);
        Assert.Equal(5, b.Received.Count);
    }

    [Fact]
    public async Task Lists_the_configured_models()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("""
              - {name: chat, kind: llm, models: [llama, qwen], instances: ["http://127.0.0.1:9"]}
              - {name: embed, kind: llm, models: [bge], instances: ["http://127.0.0.1:9"]}
              - {name: other, kind: http}
            """);

        var models = await Json.ReadAsync(await gateway.Public.GetAsync("/v1/models"));

        Assert.Equal("list", models.GetProperty("object").GetString());
        var ids = models.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["bge", "llama", "qwen"], ids);
        Assert.All(models.GetProperty("data").EnumerateArray(), m => Assert.Equal("model", m.GetProperty("object").GetString()));
    }
}

using System.Text;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Gateway;

public sealed class StreamingTests
{
    [Fact]
    public async Task Client_receives_the_first_chunk_while_the_upstream_still_holds_the_rest()
    {
        var firstChunkSeenByClient = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("llm", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();

            // The rest is held back until the client proves it already has the first chunk.
            await firstChunkSeenByClient.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            await context.Response.WriteAsync("data: {\"n\":2}\n\ndata: [DONE]\n\n");
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("""{"model":"m","stream":true}""") };
        using var response = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("data: {\"n\":1}", first);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        firstChunkSeenByClient.SetResult();

        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("\ndata: {\"n\":2}\n\ndata: [DONE]\n\n", rest);
    }

    [Fact]
    public async Task Stream_cut_by_the_upstream_is_not_a_clean_finish_for_the_client()
    {
        var clientHasFirstChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await TestUpstream.StartAsync("llm", async (context, _) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"n\":1}\n\n");
            await context.Response.Body.FlushAsync();

            // Cut only once the client has the first event, so the cut happens mid-stream and not before it.
            await clientHasFirstChunk.Task.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
            context.Abort();
        });
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("""{"model":"m","stream":true}""") };
        using var response = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        Assert.Equal("data: {\"n\":1}", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        clientHasFirstChunk.SetResult();

        // Never a clean finish: an error event in OpenAI's streaming shape ends the response, and no [DONE].
        var rest = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"code\":\"upstream_stream_error\"", rest, StringComparison.Ordinal);
        Assert.DoesNotContain("[DONE]", rest, StringComparison.Ordinal);
    }
}

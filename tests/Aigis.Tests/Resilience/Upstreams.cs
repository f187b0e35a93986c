using System.Text;
using Aigis.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aigis.Tests.Resilience;

/// <summary>Upstreams that fail in the ways the resilience tests need.</summary>
internal static class Upstreams
{
    /// <summary>A loopback URL where nothing listens (a server was there and has stopped): connections are refused.</summary>
    public static async Task<Uri> DeadUrlAsync()
    {
        var gone = await TestUpstream.StartAsync("gone");
        var url = gone.Url;
        await gone.DisposeAsync();
        return url;
    }

    public static Task<TestUpstream> StatusAsync(string name, int status) => TestUpstream.StartAsync(name, (context, _) =>
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($$$"""{"error":{"message":"from {{{name}}}","type":"server_error","code":"upstream_{{{status}}}"}}""");
    });

    /// <summary>An OpenAI-like stream of <paramref name="events"/> events, then <c>data: [DONE]</c>.</summary>
    public static Task<TestUpstream> StreamAsync(string name, int events = 3) => TestUpstream.StartAsync(name, async (context, _) =>
    {
        context.Response.ContentType = "text/event-stream";
        for (var i = 0; i < events; i++)
        {
            await context.Response.WriteAsync($"data: {{\"from\":\"{name}\",\"n\":{i}}}\n\n");
            await context.Response.Body.FlushAsync();
        }

        await context.Response.WriteAsync("data: [DONE]\n\n");
    });

    /// <summary>
    /// Sends one good event, waits until the client has it (so the break is mid-stream, not before the first byte),
    /// then does <paramref name="then"/> (cut, stall, malformed, end without [DONE]).
    /// </summary>
    public static Task<TestUpstream> BreakingStreamAsync(string name, Task clientHasFirstEvent, Func<HttpContext, Task> then) => TestUpstream.StartAsync(name, async (context, _) =>
    {
        context.Response.ContentType = "text/event-stream";
        await context.Response.WriteAsync("data: {\"n\":1}\n\n");
        await context.Response.Body.FlushAsync();
        await clientHasFirstEvent.WaitAsync(TimeSpan.FromSeconds(20), context.RequestAborted);
        await then(context);
    });

    public static int ModelRequests(this TestUpstream upstream) => upstream.Received.Count(r => r.Path.StartsWith("/v1/", StringComparison.Ordinal));

    public static string BodyText(this ReceivedRequest request) => Encoding.UTF8.GetString(request.Body);

    /// <summary>Reads a whole streamed answer; <paramref name="firstEventRead"/> is set once its first line is in.</summary>
    public static async Task<string> ReadStreamAsync(GatewayUnderTest gateway, string model, TaskCompletionSource? firstEventRead = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body($$"""{"model":"{{model}}","stream":true}""") };
        using var response = await gateway.Public.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
        var first = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
        firstEventRead?.TrySetResult();
        return first + "\n" + await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(20));
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

public sealed class BodyLimitTests
{
    private const string Services = """
          - {name: chat, kind: llm, models: [m], instances: ["http://127.0.0.1:9"]}
          - {name: blob, kind: http, instances: ["http://127.0.0.1:9"]}
        """;

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/svc/blob/upload")]
    public async Task Refuses_a_declared_oversized_body_before_reading_it(string path)
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Services, "  maxBodySize: 64KiB");

        // Announce 100 MiB and send none of it: a gateway that read the body first would wait forever.
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.Public.BaseAddress!.Host, gateway.Public.BaseAddress.Port);
        var stream = client.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {100 * 1024 * 1024}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var response = await ReadHeadAsync(stream).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
        Assert.Contains("request_too_large", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refuses_an_oversized_chunked_body_once_it_passes_the_limit()
    {
        await using var gateway = await GatewayUnderTest.StartAsync(Services, "  maxBodySize: 64KiB");

        // No Content-Length: the gateway only learns the size by reading, and must stop at the limit.
        using var client = new TcpClient();
        await client.ConnectAsync(gateway.Public.BaseAddress!.Host, gateway.Public.BaseAddress.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
        var chunk = new string('x', 16 * 1024);
        for (var i = 0; i < 5; i++)
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n{chunk}\r\n"));
        }

        var response = await ReadHeadAsync(stream).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.StartsWith("HTTP/1.1 413", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accepts_a_body_just_under_the_limit()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [m], instances: ["{upstream.Url}"]{"}"}
            """, "  maxBodySize: 64KiB");
        var body = "{\"model\":\"m\",\"pad\":\"" + new string('x', (64 * 1024) - 30) + "\"}";

        var response = await gateway.Public.PostAsync("/v1/chat/completions", Json.Body(body));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Length, Assert.Single(upstream.Received).Body.Length);
    }

    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var buffer = new byte[4096];
        var text = new StringBuilder();
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        // Give the body a moment to arrive with the head; it is small and sent at once.
        await Task.Yield();
        if (stream.DataAvailable)
        {
            var read = await stream.ReadAsync(buffer);
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return text.ToString();
    }
}

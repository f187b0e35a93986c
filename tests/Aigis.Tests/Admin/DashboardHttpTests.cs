using System.Net;
using System.Text.Json;
using Aigis.Dashboard;
using Aigis.Tests.Identity;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Admin;

/// <summary>The dashboard over plain HTTP: assets without a key and locked to their origin, the event stream only with an admin key.</summary>
public sealed class DashboardHttpTests
{
    [Fact]
    public async Task The_page_and_assets_load_without_a_key_and_may_only_talk_to_their_own_origin()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");

        var page = await gateway.Admin.GetAsync("/");
        var script = await gateway.Admin.GetAsync("/ui/app.js");
        var unknown = await gateway.Admin.GetAsync("/ui/secrets.txt");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("connect-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("src=\"ui/app.js\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
    }

    [Fact]
    public async Task The_stream_needs_an_admin_key_and_sends_history_then_a_sample_each_second()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(AuthenticationTests.Services(upstream));
        var (_, userKey) = await KeysApi.CreateAsync(gateway.AdminApi, "user");
        using var asUser = new HttpClient { BaseAddress = gateway.Admin.BaseAddress };
        asUser.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", userKey);

        var anonymous = await gateway.Admin.GetAsync(DashboardEndpoints.StreamPath, HttpCompletionOption.ResponseHeadersRead);
        var user = await asUser.GetAsync(DashboardEndpoints.StreamPath, HttpCompletionOption.ResponseHeadersRead);
        await KeysApi.ChatAsync(gateway.Public);
        using var response = await gateway.AdminApi.GetAsync(DashboardEndpoints.StreamPath, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var history = await ReadEventAsync(reader);
        var sample = await ReadEventAsync(reader).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, user.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("history", history.Name);
        Assert.Equal(JsonValueKind.Array, history.Data.GetProperty("samples").ValueKind);
        Assert.Equal("sample", sample.Name);
        var chat = Assert.Single(sample.Data.GetProperty("services").EnumerateArray());
        Assert.Equal("chat", chat.GetProperty("name").GetString());
        Assert.Equal(1, chat.GetProperty("requests_total").GetInt64());
        Assert.Equal(1, chat.GetProperty("healthy").GetInt32());
    }

    private static async Task<(string Name, JsonElement Data)> ReadEventAsync(StreamReader reader)
    {
        string? name = null;
        string? data = null;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                using var document = JsonDocument.Parse(data);
                return (name ?? "message", document.RootElement.Clone());
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                name = line["event: ".Length..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line["data: ".Length..];
            }
        }

        throw new InvalidOperationException("the stream ended");
    }
}

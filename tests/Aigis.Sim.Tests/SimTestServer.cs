using System.Net;
using System.Text;
using System.Text.Json;
using Aigis.Sim.Http;

namespace Aigis.Sim.Tests;

/// <summary>A simulator on 127.0.0.1 port 0 with an HttpClient pointed at it.</summary>
internal sealed class SimTestServer : IAsyncDisposable
{
    /// <summary>Default options, a thousand times faster than real time.</summary>
    public static readonly SimOptions Fast = new() { TimeScale = 1000 };

    private SimTestServer(RunningSimServer server)
    {
        Server = server;
        Client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(15) };
    }

    public RunningSimServer Server { get; }

    public HttpClient Client { get; }

    public static async Task<SimTestServer> StartAsync(SimOptions? options = null) =>
        new(await SimServer.StartAsync(options ?? Fast, CancellationToken.None));

    public Task<HttpResponseMessage> PostAsync(string path, string json) =>
        Client.PostAsync(new Uri(path, UriKind.Relative), new StringContent(json, Encoding.UTF8, "application/json"));

    /// <summary>Posts, checks the status code, and parses the JSON answer.</summary>
    public async Task<JsonDocument> PostForJsonAsync(string path, string json, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await PostAsync(path, json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"Expected {expected}, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    public async Task<string> GetStringAsync(string path) => await Client.GetStringAsync(new Uri(path, UriKind.Relative));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

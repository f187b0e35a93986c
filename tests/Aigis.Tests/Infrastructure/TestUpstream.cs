using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Aigis.Tests.Infrastructure;

/// <summary>What an upstream saw of one request.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>A real Kestrel server on 127.0.0.1 with an ephemeral port, standing in for a model service.</summary>
public sealed class TestUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestUpstream(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>Starts an upstream; <paramref name="handler"/> answers after the request is recorded. Default: a JSON echo naming this upstream.</summary>
    public static async Task<TestUpstream> StartAsync(string name, Func<HttpContext, ReceivedRequest, Task>? handler = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        var upstream = new TestUpstream(app, name);
        handler ??= upstream.EchoAsync;
        app.Run(async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            var received = new ReceivedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.QueryString.Value ?? "",
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                body.ToArray());
            upstream.Received.Enqueue(received);
            await handler(context, received);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        upstream.Url = new Uri(address);
        return upstream;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(stop.Token);
        await _app.DisposeAsync();
    }

    private Task EchoAsync(HttpContext context, ReceivedRequest request)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync($$"""{"upstream":"{{Name}}","path":"{{request.Path}}","bytes":{{request.Body.Length}}}""");
    }
}

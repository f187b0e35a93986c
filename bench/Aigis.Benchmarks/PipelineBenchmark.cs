using System.Net;
using System.Text;
using Aigis.Core.Configuration;
using Aigis.Hosting;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Aigis.Benchmarks;

/// <summary>
/// The whole public pipeline, one chat completion at a time over real loopback HTTP: a client, a real
/// <see cref="AigisHost"/> (Kestrel, every stage, YARP) and a Kestrel upstream answering a fixed completion, all in
/// this process. The memory diagnoser counts every thread's allocations, client and upstream included, so
/// <see cref="Direct"/> (the client straight to the upstream) is the baseline to subtract: what is left is the
/// gateway's allocation per request. <see cref="Governed"/> has every stage on (API key, firewall list, intrusion
/// detection in block mode, access log to a file); <see cref="Bare"/> has every optional stage off.
/// </summary>
/// <remarks>Latency here is one request at a time and says little; the overhead script measures throughput.</remarks>
[MemoryDiagnoser]
public class PipelineBenchmark
{
    private const string Answer = """{"id":"chatcmpl-1","object":"chat.completion","created":0,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Load balancers spread requests."},"finish_reason":"stop"}],"usage":{"prompt_tokens":24,"completion_tokens":6,"total_tokens":30}}""";
    private static readonly byte[] s_body = Encoding.UTF8.GetBytes("""{"model":"bench-model","messages":[{"role":"system","content":"You are a helpful assistant."},{"role":"user","content":"Write one sentence about load balancers."}],"max_tokens":64,"temperature":0.2}""");

    private WebApplication _upstream = null!;
    private Uri _upstreamUrl = null!;
    private readonly List<(AigisHost Host, string Directory)> _hosts = [];
    private HttpClient _client = null!;
    private Uri _governed = null!;
    private Uri _bare = null!;
    private string _key = "";

    [GlobalSetup]
    public void Setup()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _upstream = builder.Build();
        var answer = Encoding.UTF8.GetBytes(Answer);
        _upstream.Run(async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = answer.Length;
            await context.Response.Body.WriteAsync(answer);
        });
        _upstream.StartAsync().GetAwaiter().GetResult();
        _upstreamUrl = new Uri(_upstream.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

        (var governed, _key) = Start("""
              auth: required
            telemetry:
              accessLog: {DIR}/access.log
            security:
              mode: block
              firewall:
                allow: [127.0.0.0/8, "::1"]
            """);
        (var bare, _) = Start("""
              auth: disabled
            telemetry:
              accessLog: "off"
            security:
              mode: "off"
            """);
        _governed = new Uri(governed, "/v1/chat/completions");
        _bare = new Uri(bare, "/v1/chat/completions");
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AutomaticDecompression = DecompressionMethods.None });

        // Warm every path: JIT, connection pools, the key cache.
        for (var i = 0; i < 200; i++)
        {
            Direct().GetAwaiter().GetResult();
            Bare().GetAwaiter().GetResult();
            Governed().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        foreach (var (host, directory) in _hosts)
        {
            host.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
            host.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        }

        _upstream.StopAsync().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task Direct() => SendAsync(new Uri(_upstreamUrl, "/v1/chat/completions"), null);

    [Benchmark]
    public Task Bare() => SendAsync(_bare, null);

    [Benchmark]
    public Task Governed() => SendAsync(_governed, _key);

    private async Task SendAsync(Uri url, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(s_body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        using var response = await _client.SendAsync(request);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        await response.Content.CopyToAsync(Stream.Null);
    }

    private (Uri Url, string Key) Start(string gatewayAndSections)
    {
        var directory = Directory.CreateTempSubdirectory("aigis-bench-").FullName;
        var path = Path.Combine(directory, "aigis.yaml");
        File.WriteAllText(path, $"""
            gateway:
              listen: http://127.0.0.1:0
              admin: http://127.0.0.1:0
            {gatewayAndSections.Replace("{DIR}", directory, StringComparison.Ordinal)}
            store:
              path: {Path.Combine(directory, "aigis.db")}
            services:
              - name: chat
                kind: llm
                models: [bench-model]
                instances: ["{_upstreamUrl}"]
            """);
        var loaded = ConfigLoader.LoadFile(path);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException(string.Join('\n', loaded.Errors));
        }

        var host = AigisHost.Create(loaded.Config!, new AigisHostOptions { StandardOutput = Stream.Null, ShutdownTimeout = TimeSpan.FromSeconds(2) });
        host.StartAsync(CancellationToken.None).GetAwaiter().GetResult();

        // Admin keys may call models: the bootstrap key is the governed path's credential.
        var key = host.BootstrapAdminKeyAsync(CancellationToken.None).GetAwaiter().GetResult()!.Key;
        _hosts.Add((host, directory));
        return (host.PublicUrl, key);
    }
}

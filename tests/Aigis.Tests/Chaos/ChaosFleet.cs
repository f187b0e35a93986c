using System.Diagnostics;
using System.Net;
using Aigis.Bench.Load;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Chaos;

/// <summary>
/// The chaos test's world, all real processes: <c>aigis up</c> with a <c>runtime: process</c> service of
/// <see cref="Replicas"/> <c>aigis-sim</c> replicas, and the means to load it open-loop, kill replicas, inject faults
/// into them (<c>/admin/faults</c>), and wait for the deployer to bring them back.
/// </summary>
internal sealed class ChaosFleet : IAsyncDisposable
{
    public const int Replicas = 4;
    public const string Model = "sim-llama-3-8b";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(90);

    private readonly AigisProcess _aigis;
    private readonly HttpClient _control = new() { Timeout = TimeSpan.FromSeconds(5) };

    private ChaosFleet(AigisProcess aigis, Uri publicUrl)
    {
        _aigis = aigis;
        PublicUrl = publicUrl;
        Client = OpenLoopLoad.CreateClient();
    }

    public Uri PublicUrl { get; }

    public Uri ChatUrl => new(PublicUrl, "/v1/chat/completions");

    /// <summary>The load client: no proxy, no connection limit.</summary>
    public HttpClient Client { get; }

    public AigisProcess Aigis => _aigis;

    public static async Task<ChaosFleet> StartAsync(string balancer = "least-requests")
    {
        var path = Cli.CommandLineTests.WriteTemp($$"""
            gateway: {auth: disabled, shutdownTimeout: 2s}
            services:
              - name: chat
                kind: llm
                models: [{{Model}}]
                balancer: {{balancer}}
                timeouts: {connect: 1s, firstByte: 1s, idle: 15s}
                outlierDetection: {consecutive5xx: 3}
                runtime: process
                process:
                  command: aigis-sim
                  args: [--port, "{port}", --profile, llm, --model, {{Model}}, --seed, "{replica}", --time-scale, "20"]
                  replicas: {{Replicas}}
            """);
        var (listen, admin) = (Cli.CommandLineTests.FreePort(), Cli.CommandLineTests.FreePort());
        var aigis = AigisProcess.Start("up", "--config", path, "--listen", $"http://127.0.0.1:{listen}", "--admin", $"http://127.0.0.1:{admin}", "--log-level", "Warning");
        try
        {
            await aigis.WaitForLineAsync("aigis admin listening on", s_startTimeout);
        }
        catch
        {
            await aigis.DisposeAsync();
            throw;
        }

        var fleet = new ChaosFleet(aigis, new Uri($"http://127.0.0.1:{listen}"));
        await fleet.WaitForAllReplicasAsync(TimeSpan.FromSeconds(30));
        return fleet;
    }

    public IReadOnlyList<SimReplicaProcess> Running() => SimReplicaProcesses.Of(_aigis.Id);

    /// <summary>Open-loop load of small, non-streamed chat completions at <paramref name="rate"/> for <paramref name="duration"/>, from its own process.</summary>
    public Task<LoadPhase> LoadAsync(double rate, TimeSpan duration) => LoadPhase.RunAsync(ChatUrl, Model, rate, duration);

    /// <summary>SIGKILL, as a crash: no drain, no goodbye. The deployer sees the exit and restarts the slot.</summary>
    public static void Kill(SimReplicaProcess replica)
    {
        try
        {
            using var process = Process.GetProcessById(replica.Pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
            // Gone already.
        }
    }

    /// <summary>Replaces a replica's faults (snake_case JSON, e.g. <c>{"error_rate":0.1}</c>); false when it did not answer.</summary>
    public async Task<bool> SetFaultsAsync(SimReplicaProcess replica, string json)
    {
        try
        {
            using var response = await _control.PostAsync(new Uri(replica.Url, "/admin/faults"), Json.Body(json));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits until every slot runs a process that answers its health check, and the gateway serves a request.</summary>
    public async Task WaitForAllReplicasAsync(TimeSpan timeout)
    {
        await Eventually.TrueAsync(async () =>
        {
            var running = Running();
            if (running.Select(r => r.Slot).Distinct().Count() < Replicas)
            {
                return false;
            }

            foreach (var replica in running)
            {
                try
                {
                    using var health = await _control.GetAsync(new Uri(replica.Url, "/health"));
                    if (!health.IsSuccessStatusCode)
                    {
                        return false;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false;
                }
            }

            return true;
        }, timeout, () => $"replicas running: {string.Join(", ", Running())}");

        // The deployer publishes a replica once its health check passed; give the gateway's route table that moment.
        await Eventually.TrueAsync(async () =>
        {
            using var response = await Client.PostAsync(ChatUrl, new ReadOnlyMemoryContent(LoadBench.ChatBody(Model, false)) { Headers = { ContentType = new("application/json") } });
            return response.IsSuccessStatusCode;
        }, timeout, () => "the gateway serves no request");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_aigis.Stdout.Contains("aigis: shutting down", StringComparison.Ordinal))
        {
            _aigis.Terminate();
        }

        try
        {
            await _aigis.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // DisposeAsync below kills the whole tree.
        }

        await _aigis.DisposeAsync();
        Client.Dispose();
        _control.Dispose();
    }
}

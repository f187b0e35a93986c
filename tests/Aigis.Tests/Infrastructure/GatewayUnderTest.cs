using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Hosting;

namespace Aigis.Tests.Infrastructure;

/// <summary>
/// An Aigis host started from YAML written to a temporary file (so hot reload can be exercised), on
/// ephemeral loopback ports, with an <see cref="HttpClient"/> for each listener.
/// </summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly AigisHost _host;
    private readonly string _directory;

    private GatewayUnderTest(AigisHost host, string directory, string configPath)
    {
        _host = host;
        _directory = directory;
        ConfigPath = configPath;
        Public = new HttpClient { BaseAddress = host.PublicUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = host.AdminUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Public { get; }

    public HttpClient Admin { get; }

    public string ConfigPath { get; }

    internal AigisHost Host => _host;

    /// <summary>The replicas of the gateway's process services.</summary>
    internal IReadOnlyList<ReplicaStatus> Replicas => _host.Deployer.Replicas;

    /// <summary>Starts a gateway. <paramref name="servicesYaml"/> is the <c>services:</c> list; the gateway section binds port 0.</summary>
    public static Task<GatewayUnderTest> StartAsync(string servicesYaml, string gatewayExtra = "") =>
        StartAsync(servicesYaml, new AigisHostOptions(), gatewayExtra);

    /// <summary>Starts a gateway with host options (deployer options, a logger factory, a clock) besides the config.</summary>
    public static async Task<GatewayUnderTest> StartAsync(string servicesYaml, AigisHostOptions options, string gatewayExtra = "")
    {
        var directory = Directory.CreateTempSubdirectory("aigis-test-").FullName;
        var path = Path.Combine(directory, "aigis.yaml");
        await File.WriteAllTextAsync(path, Compose(servicesYaml, gatewayExtra));
        var loaded = ConfigLoader.LoadFile(path);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        var host = AigisHost.Create(loaded.Config!, options with { ConfigPath = path, Overrides = () => [], ShutdownTimeout = TimeSpan.FromSeconds(5) });
        try
        {
            await host.StartAsync(CancellationToken.None);
        }
        catch
        {
            await host.DisposeAsync();
            Directory.Delete(directory, recursive: true);
            throw;
        }

        return new GatewayUnderTest(host, directory, path);
    }

    public static string Compose(string servicesYaml, string gatewayExtra = "") =>
        $"""
        gateway:
          listen: http://127.0.0.1:0
          admin: http://127.0.0.1:0
        {gatewayExtra}
        services:{(servicesYaml.TrimStart().StartsWith('[') ? " " + servicesYaml.Trim() : "\n" + servicesYaml)}
        """;

    /// <summary>Rewrites the config file and waits for the watcher to report the outcome.</summary>
    public async Task<ConfigReloadOutcome> RewriteConfigAsync(string servicesYaml, string gatewayExtra = "")
    {
        var outcome = new TaskCompletionSource<ConfigReloadOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReloaded(ConfigReloadOutcome o) => outcome.TrySetResult(o);
        _host.Watcher!.Reloaded += OnReloaded;
        try
        {
            // Write beside and rename over, as editors do, so the watcher never reads a half-written file.
            var temp = ConfigPath + ".tmp";
            await File.WriteAllTextAsync(temp, Compose(servicesYaml, gatewayExtra));
            File.Move(temp, ConfigPath, overwrite: true);
            return await outcome.Task.WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally
        {
            _host.Watcher!.Reloaded -= OnReloaded;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Public.Dispose();
        Admin.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        await _host.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

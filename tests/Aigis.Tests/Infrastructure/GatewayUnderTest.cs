using Aigis.Core.Configuration;
using Aigis.Deployers;
using Aigis.Hosting;

namespace Aigis.Tests.Infrastructure;

/// <summary>
/// An Aigis host started from YAML written to a temporary file (so hot reload can be exercised), on
/// ephemeral loopback ports, with an <see cref="HttpClient"/> for each listener and its store in the same
/// temporary directory. The public listener runs with <c>auth: disabled</c> unless <c>gatewayExtra</c> sets
/// <c>auth</c> itself; the admin key made at start is <see cref="AdminKey"/>, and <see cref="AdminApi"/> sends it.
/// </summary>
internal sealed class GatewayUnderTest : IAsyncDisposable
{
    private readonly AigisHost _host;
    private readonly string _directory;

    private GatewayUnderTest(AigisHost host, string directory, string configPath, string adminKey)
    {
        _host = host;
        _directory = directory;
        ConfigPath = configPath;
        AdminKey = adminKey;
        Public = new HttpClient { BaseAddress = host.PublicUrl, Timeout = TimeSpan.FromSeconds(30) };
        Admin = new HttpClient { BaseAddress = host.AdminUrl, Timeout = TimeSpan.FromSeconds(30) };
        AdminApi = new HttpClient { BaseAddress = host.AdminUrl, Timeout = TimeSpan.FromSeconds(30) };
        AdminApi.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", adminKey);
    }

    public HttpClient Public { get; }

    /// <summary>The admin listener, without credentials.</summary>
    public HttpClient Admin { get; }

    /// <summary>The admin listener, sending <see cref="AdminKey"/>.</summary>
    public HttpClient AdminApi { get; }

    /// <summary>The admin key made at first start of this gateway's (fresh) store.</summary>
    public string AdminKey { get; }

    public string Directory => _directory;

    public string StorePath => Path.Combine(_directory, "aigis.db");

    public string ConfigPath { get; }

    internal AigisHost Host => _host;

    /// <summary>The replicas of the gateway's process services.</summary>
    internal IReadOnlyList<ReplicaStatus> Replicas => _host.Deployer.Replicas;

    /// <summary>Starts a gateway. <paramref name="servicesYaml"/> is the <c>services:</c> list; the gateway section binds port 0.</summary>
    public static Task<GatewayUnderTest> StartAsync(string servicesYaml, string gatewayExtra = "") =>
        StartAsync(servicesYaml, new AigisHostOptions(), gatewayExtra);

    /// <summary>Starts a gateway with host options (deployer options, a logger factory, a clock) besides the config.</summary>
    /// <param name="sections">More top-level sections (e.g. <c>state:</c>), appended after the store.</param>
    public static async Task<GatewayUnderTest> StartAsync(string servicesYaml, AigisHostOptions options, string gatewayExtra = "", string sections = "")
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("aigis-test-").FullName;
        var path = Path.Combine(directory, "aigis.yaml");
        await File.WriteAllTextAsync(path, Compose(servicesYaml, gatewayExtra, directory) + (sections.Length == 0 ? "" : "\n" + sections));
        var loaded = ConfigLoader.LoadFile(path);
        Assert.True(loaded.IsValid, string.Join('\n', loaded.Errors));
        var host = AigisHost.Create(loaded.Config!, options with { ConfigPath = path, Overrides = () => [], ShutdownTimeout = options.ShutdownTimeout ?? TimeSpan.FromSeconds(5), StandardOutput = options.StandardOutput ?? Stream.Null });
        string adminKey;
        try
        {
            await host.StartAsync(CancellationToken.None);
            adminKey = (await host.BootstrapAdminKeyAsync(CancellationToken.None))!.Key;
        }
        catch
        {
            await host.DisposeAsync();
            System.IO.Directory.Delete(directory, recursive: true);
            throw;
        }

        return new GatewayUnderTest(host, directory, path, adminKey);
    }

    /// <summary>
    /// The config text. The lines above <c>services:</c> stay four (listen, admin, extras) so tests can name the
    /// line of a service; the store goes after the services.
    /// </summary>
    public static string Compose(string servicesYaml, string gatewayExtra, string directory)
    {
        var extra = gatewayExtra.Contains("auth:", StringComparison.Ordinal) ? gatewayExtra
            : gatewayExtra.Length == 0 ? "  auth: disabled" : gatewayExtra + "\n  auth: disabled";
        return $"""
            gateway:
              listen: http://127.0.0.1:0
              admin: http://127.0.0.1:0
            {extra}
            services:{(servicesYaml.TrimStart().StartsWith('[') ? " " + servicesYaml.Trim() : "\n" + servicesYaml.TrimEnd())}
            store:
              path: "{Path.Combine(directory, "aigis.db")}"
            """;
    }

    /// <summary>An HTTP client for the public listener that sends <paramref name="key"/> as a bearer token.</summary>
    public HttpClient PublicWithKey(string key)
    {
        var client = new HttpClient { BaseAddress = _host.PublicUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

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
            await File.WriteAllTextAsync(temp, Compose(servicesYaml, gatewayExtra, _directory));
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
        AdminApi.Dispose();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        await _host.DisposeAsync();
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}

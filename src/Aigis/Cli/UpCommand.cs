using System.CommandLine;
using Aigis.Core.Configuration;
using Aigis.Demo;
using Aigis.Deployers;
using Aigis.Core.Identity;
using Aigis.Hosting;
using Aigis.Identity;
using Aigis.Store;
using Microsoft.Extensions.Logging;

namespace Aigis.Cli;

/// <summary><c>aigis up</c>: runs the gateway and the admin listener until Ctrl-C or SIGTERM.</summary>
internal static class UpCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Option<string?>("--config", "-c") { Description = "Config file (YAML). Without it, the embedded demo runs." };
        var listen = new Option<string?>("--listen") { Description = "Public listener URL; overrides gateway.listen (default http://127.0.0.1:8080)." };
        var admin = new Option<string?>("--admin") { Description = "Admin listener URL; overrides gateway.admin (default http://127.0.0.1:8081)." };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least severe log level to print.", DefaultValueFactory = _ => LogLevel.Information };
        var command = new Command("up", "Run the gateway, the admin API and the control plane.")
        {
            config, listen, admin, logLevel,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            parse.GetValue(config), parse.GetValue(listen), parse.GetValue(admin), parse.GetValue(logLevel), output, error, cancellation));
        return command;
    }

    public static async Task<int> RunAsync(string? configPath, string? listen, string? admin, LogLevel logLevel, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        var flagOverrides = new List<ConfigOverride>();
        if (listen is not null)
        {
            flagOverrides.Add(new ConfigOverride("--listen", ["gateway", "listen"], listen));
        }

        if (admin is not null)
        {
            flagOverrides.Add(new ConfigOverride("--admin", ["gateway", "admin"], admin));
        }

        IEnumerable<ConfigOverride> Overrides() => [.. ConfigOverride.FromProcessEnvironment(), .. flagOverrides];

        var demo = configPath is null;
        var written = false;
        if (configPath is null)
        {
            try
            {
                (configPath, written) = EmbeddedDemo.EnsureConfig(Path.GetFullPath(".aigis"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"aigis up: cannot write the embedded demo's config: {e.Message}");
                return ExitCodes.RuntimeFailure;
            }

            output.WriteLine(written
                ? $"demo: {EmbeddedDemo.ReplicaCount} simulated model replicas (aigis-sim) run as local processes; config written to {configPath}"
                : $"demo: config {configPath} exists and is used as it is (delete it for the default fleet)");
        }

        var loaded = ConfigLoader.LoadFile(configPath, Overrides());
        if (!loaded.IsValid)
        {
            foreach (var problem in loaded.Errors)
            {
                error.WriteLine(problem);
            }

            error.WriteLine($"aigis up: {configPath} has {loaded.Errors.Count} problem{(loaded.Errors.Count == 1 ? "" : "s")}; nothing was started");
            return ExitCodes.BadInput;
        }

        // After the config is read: telemetry.log says how the application log is written.
        using var loggerFactory = ConsoleLogging.Create(logLevel, loaded.Config!.Telemetry.Log);
        var options = new AigisHostOptions { ConfigPath = configPath, Overrides = Overrides, LoggerFactory = loggerFactory };
        await using var host = TryCreateHost(loaded.Config!, options, error);
        if (host is null)
        {
            return ExitCodes.BadInput;
        }

        try
        {
            await host.StartAsync(cancellation);
        }
        catch (StoreUnavailableException e)
        {
            error.WriteLine($"aigis up: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (Limits.Redis.SharedStateUnavailableException e)
        {
            error.WriteLine($"aigis up: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (Deployers.Docker.DockerEngineUnavailableException e)
        {
            error.WriteLine($"aigis up: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (IOException e)
        {
            // Kestrel reports a taken port as an IOException; the message names the address.
            error.WriteLine($"aigis up: cannot listen: {e.Message}");
            return ExitCodes.RuntimeFailure;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Ctrl-C or SIGTERM while the replicas were starting: stop what did start.
            output.WriteLine("aigis: stopped while starting");
            await host.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }

        foreach (var replica in host.Deployer.Replicas)
        {
            output.WriteLine(Describe(replica));
        }

        // Before the listening lines, which say that start-up is over. Not cancellable: a key made but never
        // printed (Ctrl-C in between) would be lost for good.
        await PrintKeysAsync(host, demo, output, CancellationToken.None);

        output.WriteLine($"aigis {AigisCli.Version} gateway listening on {host.PublicUrl}");
        output.WriteLine($"aigis admin listening on {host.AdminUrl}");
        output.WriteLine($"dashboard: {host.AdminUrl}");
        output.WriteLine($"config {Path.GetFullPath(configPath)}: {loaded.Config!.Services.Count} services; edits are applied live");
        output.Flush();

        try
        {
            await Task.Delay(Timeout.Infinite, cancellation);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM: drain and stop.
        }

        output.WriteLine($"aigis: shutting down, draining in-flight requests and streams for up to {DurationParser.Format(host.ShutdownTimeout)}");
        output.Flush();

        // The host bounds the drain itself (gateway.shutdownTimeout) and cuts what is left before aborting it.
        await host.StopAsync(CancellationToken.None);
        return ExitCodes.Success;
    }

    private static AigisHost? TryCreateHost(Core.Configuration.AigisConfig config, AigisHostOptions options, TextWriter error)
    {
        try
        {
            return AigisHost.Create(config, options);
        }
        catch (JwtConfigException e)
        {
            error.WriteLine($"aigis up: {e.Message}");
            return null;
        }
    }

    /// <summary>
    /// On a fresh store, the admin key, once (DESIGN.md: <c>admin key: KEY</c>); for the demo, its user key once,
    /// and on later starts a reminder that it exists. These lines go to the console only, never to the log.
    /// </summary>
    private static async Task PrintKeysAsync(AigisHost host, bool demo, TextWriter output, CancellationToken cancellation)
    {
        output.WriteLine($"store {host.StorePath}");
        if (await host.BootstrapAdminKeyAsync(cancellation) is { } admin)
        {
            output.WriteLine($"admin key: {admin.Key}");
            output.WriteLine("  shown once, now: keep it. `aigis keys ...` read it from AIGIS_ADMIN_KEY (or --admin-key).");
        }

        if (!demo)
        {
            return;
        }

        // The demo's tenant may use exactly the demo's services and models; made once, and edits to it are kept.
        await host.Tenants.EnsureAsync(EmbeddedDemo.TenantDefinition, cancellation);
        var spec = new KeySpec("demo", EmbeddedDemo.Tenant, KeyRole.User);
        if (await host.Keys.CreateOnceAsync(ApiKeyService.DemoPurpose, spec, cancellation) is { } created)
        {
            output.WriteLine($"demo key: {created.Key}");
            output.WriteLine($"try: {EmbeddedDemo.CurlLine(host.PublicUrl, created.Key)}");
        }
        else if (await host.Keys.FindForPurposeAsync(ApiKeyService.DemoPurpose, cancellation) is { } existing)
        {
            output.WriteLine($"demo key exists: id {existing.Id}, created {existing.CreatedAt:u}; its secret was shown once, at the first start.");
            output.WriteLine($"  make another: AIGIS_ADMIN_KEY=<admin key> aigis keys create --name demo --tenant {EmbeddedDemo.Tenant}");
        }
    }

    /// <summary>One line per replica at start: where it listens and its pid, or why it is not healthy.</summary>
    private static string Describe(ReplicaStatus replica)
    {
        var state = ReplicaStateNames.Of(replica.State);
        return replica is { State: ReplicaState.Healthy, Url: { } url, ProcessId: { } pid }
            ? $"replica {replica.Name} {state} at {url} (pid {pid})"
            : $"replica {replica.Name} {state}: {replica.LastFailure ?? "no health answer yet"}";
    }
}

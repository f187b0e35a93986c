using Aigis.Sim.Engine;
using System.Net;
using Aigis.Sim.Faults;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Aigis.Sim.Http;

/// <summary>Starts the simulator on Kestrel, in this process.</summary>
internal static class SimServer
{
    /// <summary>Validates the options, binds, and returns once the server accepts connections.</summary>
    /// <param name="options">What to simulate and where to listen.</param>
    /// <param name="cancellationToken">Abandons the start.</param>
    /// <param name="timeProvider">The clock every simulated delay waits on; the system clock by default.</param>
    /// <param name="exitProcess">What a crash fault does after dropping every connection; by default the server stops, so an in-process host survives.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    /// <exception cref="IOException">The address could not be bound.</exception>
    public static async Task<RunningSimServer> StartAsync(SimOptions options, CancellationToken cancellationToken, TimeProvider? timeProvider = null, Action<string>? exitProcess = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = SimOptionsValidation.Validate(options);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid simulator options: {string.Join(" ", errors)}", nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "aigis-sim" });
        // Only the options decide behaviour: no appsettings.json, environment or command-line configuration.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders()
            .SetMinimumLevel(LogLevel.Warning)
            // A failed start is reported by the caller: one line from the command line, an exception in-process.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical)
            .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Services.AddSingleton<IHostLifetime, ExternallyStoppedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));

        // Created by the container so that it is disposed (its loop stopped) with the server.
        builder.Services.AddSingleton(_ => new EngineLoop(options.Engine, timeProvider ?? TimeProvider.System, options.TimeScale));
        var connections = new OpenConnections();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(options.Host), options.Port, listen => listen.Use(connections.Track));
        });

        var app = builder.Build();
        SimEndpoints.Map(app, options, timeProvider ?? TimeProvider.System, connections, exitProcess);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new RunningSimServer(app, address);
    }
}

namespace Aigis.Sim.Faults;

/// <summary>Installs fault injection on the simulator: the middleware and the /admin/faults endpoints.</summary>
internal static class FaultInjection
{
    /// <summary>Puts <see cref="SimOptions.Faults"/> in force and returns the metrics of injected faults.</summary>
    /// <param name="app">The simulator, before it starts.</param>
    /// <param name="options">The faults in force at start, and the seed of their draws.</param>
    /// <param name="timeProvider">The clock of added latency.</param>
    /// <param name="connections">The Kestrel connection middleware of the listener, to cut streams and crash below HTTP.</param>
    /// <param name="exitProcess">What a crash does once connections are dropped; null stops the server instead (in-process hosts).</param>
    public static FaultMetrics Install(WebApplication app, SimOptions options, TimeProvider timeProvider, OpenConnections connections, Action<string>? exitProcess)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var state = new FaultState(options.Faults, options.Seed);
        var metrics = new FaultMetrics();
        var crash = new SimulatedCrash(connections, app.Lifetime, exitProcess, app.Services.GetRequiredService<ILogger<SimulatedCrash>>());
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use(next => new FaultMiddleware(next, state, metrics, connections, crash, timeProvider, stopping).InvokeAsync);

        var admin = new FaultAdminEndpoints(state);
        app.MapGet(FaultAdminEndpoints.Path, admin.GetAsync);
        app.MapPost(FaultAdminEndpoints.Path, admin.PostAsync);
        app.MapDelete(FaultAdminEndpoints.Path, admin.DeleteAsync);
        return metrics;
    }
}

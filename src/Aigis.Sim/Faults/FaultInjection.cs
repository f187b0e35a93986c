namespace Aigis.Sim.Faults;

/// <summary>Installs fault injection on the simulator: the middleware and the /admin/faults endpoints.</summary>
internal static class FaultInjection
{
    /// <summary>Puts <see cref="SimOptions.Faults"/> in force and returns the metrics of injected faults.</summary>
    public static FaultMetrics Install(WebApplication app, SimOptions options, TimeProvider timeProvider, SimulatedCrash crash)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        var state = new FaultState(options.Faults, options.Seed);
        var metrics = new FaultMetrics();
        var stopping = app.Lifetime.ApplicationStopping;
        app.Use(next => new FaultMiddleware(next, state, metrics, crash, timeProvider, stopping).InvokeAsync);

        var admin = new FaultAdminEndpoints(state);
        app.MapGet(FaultAdminEndpoints.Path, admin.GetAsync);
        app.MapPost(FaultAdminEndpoints.Path, admin.PostAsync);
        app.MapDelete(FaultAdminEndpoints.Path, admin.DeleteAsync);
        return metrics;
    }
}

using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Metrics;

namespace Aigis.Sim.Http;

/// <summary>GET /health and GET /metrics.</summary>
internal sealed class ObservabilityEndpoints
{
    private static readonly HealthStatus _healthy = new("ok");

    private readonly ServedModels _models;
    private readonly Engine.EngineLoop _engine;

    public ObservabilityEndpoints(ServedModels models, Engine.EngineLoop engine)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(engine);
        _models = models;
        _engine = engine;
    }

    public static Task HealthAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(_healthy, SimJson.Context.HealthStatus, contentType: null, context.RequestAborted);

    public Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusExposition.ContentType;
        return context.Response.WriteAsync(PrometheusExposition.Render(_models, _engine.Snapshot), context.RequestAborted);
    }
}

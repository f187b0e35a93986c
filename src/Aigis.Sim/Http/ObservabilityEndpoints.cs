using System.Text;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Metrics;

namespace Aigis.Sim.Http;

/// <summary>GET /health and GET /metrics.</summary>
internal sealed class ObservabilityEndpoints
{
    private static readonly HealthStatus _healthy = new("ok");

    private readonly ServedModels _models;
    private readonly Engine.EngineLoop _engine;
    private readonly IReadOnlyList<IMetricFamilies> _moreFamilies;

    /// <param name="models">The served models, whose vLLM-named families come first.</param>
    /// <param name="engine">The engine whose gauges and counters are exposed.</param>
    /// <param name="moreFamilies">Families of other components (a profile's own metrics), written after.</param>
    public ObservabilityEndpoints(ServedModels models, Engine.EngineLoop engine, IReadOnlyList<IMetricFamilies>? moreFamilies = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(engine);
        _models = models;
        _engine = engine;
        _moreFamilies = moreFamilies ?? [];
    }

    public static Task HealthAsync(HttpContext context) =>
        context.Response.WriteAsJsonAsync(_healthy, SimJson.Context.HealthStatus, contentType: null, context.RequestAborted);

    public Task MetricsAsync(HttpContext context)
    {
        context.Response.ContentType = PrometheusExposition.ContentType;
        var text = PrometheusExposition.Render(_models, _engine.Snapshot);
        if (_moreFamilies.Count > 0)
        {
            var all = new StringBuilder(text);
            foreach (var families in _moreFamilies)
            {
                families.WriteTo(all);
            }

            text = all.ToString();
        }

        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}

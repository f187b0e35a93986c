using Aigis.Sim.Classify;
using Aigis.Sim.Engine;
using Aigis.Sim.Faults;
using Aigis.Sim.Metrics;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>Builds the simulator's parts from its options and maps its routes.</summary>
internal static class SimEndpoints
{
    public static void Map(WebApplication app, SimOptions options, TimeProvider timeProvider, OpenConnections connections, Action<string>? exitProcess)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var faultMetrics = FaultInjection.Install(app, options, timeProvider, connections, exitProcess);
        var models = new ServedModels(options.ServedModelNames, timeProvider.GetUtcNow());
        var counter = new PromptTokenCounter();
        var loop = app.Services.GetRequiredService<EngineLoop>();
        var engine = new GenerationEngine(loop);
        var classifyMetrics = new ClassifyMetrics(options.ServedModelNames);
        var observability = new ObservabilityEndpoints(models, loop, options.Profile == SimProfile.Classifier ? [classifyMetrics, faultMetrics] : [faultMetrics]);

        app.MapGet("/health", ObservabilityEndpoints.HealthAsync);
        app.MapGet("/metrics", observability.MetricsAsync);
        app.MapGet("/v1/models", new ModelsEndpoint(models).HandleAsync);

        var embeddings = new EmbeddingsEndpoint(counter, new EmbeddingGenerator(options.Seed, options.EmbeddingDimensions), models, engine, stopping);
        if (options.Profile != SimProfile.Classifier)
        {
            app.MapPost("/v1/embeddings", embeddings.HandleAsync);
        }
        else
        {
            app.MapPost("/v1/classify", new ClassifyEndpoint(options, models, classifyMetrics, timeProvider, stopping).HandleAsync);
        }

        if (options.Profile == SimProfile.Llm)
        {
            var planner = new TextGenerationPlanner(models, new CompletionTextGenerator(options.Seed, options.MaxTokensDefault), options.MaxModelLength);
            app.MapPost("/v1/chat/completions", new ChatCompletionsEndpoint(counter, planner, engine, timeProvider, stopping).HandleAsync);
            app.MapPost("/v1/completions", new CompletionsEndpoint(counter, planner, engine, timeProvider, stopping).HandleAsync);
        }

        app.MapFallback(InvalidUrlAsync);
    }

    private static Task InvalidUrlAsync(HttpContext context) =>
        ApiError.InvalidUrl(context.Request.Method, context.Request.Path.Value ?? "/").WriteAsync(context);
}

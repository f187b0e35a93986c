using Aigis.Sim.Engine;
using Aigis.Sim.Metrics;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>Builds the simulator's parts from its options and maps its routes.</summary>
internal static class SimEndpoints
{
    public static void Map(WebApplication app, SimOptions options, TimeProvider timeProvider)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var models = new ServedModels(options.ServedModelNames, timeProvider.GetUtcNow());
        var counter = new PromptTokenCounter();
        var loop = app.Services.GetRequiredService<EngineLoop>();
        var engine = new GenerationEngine(loop);
        var observability = new ObservabilityEndpoints(models, loop);

        app.MapGet("/health", ObservabilityEndpoints.HealthAsync);
        app.MapGet("/metrics", observability.MetricsAsync);
        app.MapGet("/v1/models", new ModelsEndpoint(models).HandleAsync);

        var embeddings = new EmbeddingsEndpoint(counter, new EmbeddingGenerator(options.Seed, options.EmbeddingDimensions), models, engine, stopping);
        app.MapPost("/v1/embeddings", embeddings.HandleAsync);

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

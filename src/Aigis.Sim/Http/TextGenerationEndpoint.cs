using Aigis.Sim.Engine;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>
/// What chat and text completions share: take the request to a plan, then answer whole or stream it, and when the
/// client leaves or the server stops, stop the work and answer if anything can still be said. Subclasses write
/// their own payload shapes.
/// </summary>
internal abstract class TextGenerationEndpoint(
    GenerationRequestReader reader, string idPrefix, PromptTokenCounter counter, TextGenerationPlanner planner,
    GenerationEngine engine, TimeProvider timeProvider, CancellationToken serverStopping)
{
    protected GenerationEngine Engine { get; } = engine;

    public async Task HandleAsync(HttpContext context)
    {
        var plan = await GenerationRequestIntake.AcceptAsync(context, reader, counter, planner);
        if (plan is null)
        {
            return;
        }

        using var cancellation = GenerationCancellation.Create(context, serverStopping);
        try
        {
            var identity = ResponseIdentity.New(idPrefix, timeProvider);
            await (plan.Request.Stream
                ? StreamAsync(context, plan, identity, cancellation.Token)
                : AnswerAsync(context, plan, identity, cancellation.Token));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await GenerationCancellation.AnswerIfPossibleAsync(context);
        }
    }

    protected abstract Task AnswerAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken);

    protected abstract Task StreamAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken);
}

using Aigis.Sim.Engine;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>POST /v1/completions: OpenAI legacy text completions, streamed or not.</summary>
internal sealed class CompletionsEndpoint(PromptTokenCounter counter, TextGenerationPlanner planner, GenerationEngine engine, TimeProvider timeProvider, CancellationToken serverStopping)
    : TextGenerationEndpoint(CompletionRequestReader.Read, "cmpl-", counter, planner, engine, timeProvider, serverStopping)
{
    private const string TextCompletionObject = "text_completion";

    protected override async Task AnswerAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken)
    {
        await Engine.CompleteAsync(plan.Job, cancellationToken);
        var choice = new TextChoice(plan.Completion.Text, 0, plan.FinishReason);
        await context.Response.WriteAsJsonAsync(Completion(plan, identity, [choice], plan.Usage), SimJson.Context.TextCompletion, contentType: null, cancellationToken);
    }

    protected override async Task StreamAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken)
    {
        using var events = await ServerSentEventWriter.StartAsync(context.Response, cancellationToken);
        var tokens = plan.Completion.Tokens;
        await foreach (var index in Engine.StreamAsync(plan.Job, cancellationToken))
        {
            await events.WriteAsync(Completion(plan, identity, [new TextChoice(tokens[index], 0, null)]), SimJson.Context.TextCompletion, cancellationToken);
        }

        await events.WriteAsync(Completion(plan, identity, [new TextChoice(string.Empty, 0, plan.FinishReason)]), SimJson.Context.TextCompletion, cancellationToken);
        if (plan.Request.IncludeUsage)
        {
            await events.WriteAsync(Completion(plan, identity, [], plan.Usage), SimJson.Context.TextCompletion, cancellationToken);
        }

        await events.WriteDoneAsync(cancellationToken);
    }

    private static TextCompletion Completion(PlannedGeneration plan, ResponseIdentity identity, IReadOnlyList<TextChoice> choices, TokenUsage? usage = null) =>
        new(identity.Id, TextCompletionObject, identity.Created, plan.Request.Model, choices, usage);
}

using Aigis.Sim.Engine;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>POST /v1/completions: OpenAI legacy text completions, streamed or not.</summary>
internal sealed class CompletionsEndpoint
{
    private const string TextCompletionObject = "text_completion";

    private readonly PromptTokenCounter _counter;
    private readonly TextGenerationPlanner _planner;
    private readonly GenerationEngine _engine;
    private readonly TimeProvider _timeProvider;
    private readonly CancellationToken _serverStopping;

    public CompletionsEndpoint(PromptTokenCounter counter, TextGenerationPlanner planner, GenerationEngine engine, TimeProvider timeProvider, CancellationToken serverStopping)
    {
        _counter = counter;
        _planner = planner;
        _engine = engine;
        _timeProvider = timeProvider;
        _serverStopping = serverStopping;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var plan = await GenerationRequestIntake.AcceptAsync(context, CompletionRequestReader.Read, _counter, _planner);
        if (plan is null)
        {
            return;
        }

        using var cancellation = GenerationCancellation.Create(context, _serverStopping);
        try
        {
            var identity = ResponseIdentity.New("cmpl-", _timeProvider);
            await (plan.Request.Stream
                ? StreamAsync(context, plan, identity, cancellation.Token)
                : AnswerAsync(context, plan, identity, cancellation.Token));
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await GenerationCancellation.AnswerIfPossibleAsync(context);
        }
    }

    private async Task AnswerAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken)
    {
        await _engine.CompleteAsync(plan.Job, cancellationToken);
        var choice = new TextChoice(plan.Completion.Text, 0, plan.FinishReason);
        await context.Response.WriteAsJsonAsync(Completion(plan, identity, [choice], plan.Usage), SimJson.Context.TextCompletion, contentType: null, cancellationToken);
    }

    private async Task StreamAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken)
    {
        using var events = await ServerSentEventWriter.StartAsync(context.Response, cancellationToken);
        var tokens = plan.Completion.Tokens;
        await foreach (var index in _engine.StreamAsync(plan.Job, cancellationToken))
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

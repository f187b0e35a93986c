using Aigis.Sim.Engine;
using Aigis.Sim.Http.Payloads;
using Aigis.Sim.Output;

namespace Aigis.Sim.Http;

/// <summary>POST /v1/chat/completions: OpenAI chat completions, streamed or not.</summary>
internal sealed class ChatCompletionsEndpoint(PromptTokenCounter counter, TextGenerationPlanner planner, GenerationEngine engine, TimeProvider timeProvider, CancellationToken serverStopping)
    : TextGenerationEndpoint(ChatCompletionRequestReader.Read, "chatcmpl-", counter, planner, engine, timeProvider, serverStopping)
{
    private const string Assistant = "assistant";

    protected override async Task AnswerAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken)
    {
        await Engine.CompleteAsync(plan.Job, cancellationToken);
        var choice = new ChatChoice(0, new ChatMessage(Assistant, plan.Completion.Text), plan.FinishReason);
        var completion = new ChatCompletion(identity.Id, "chat.completion", identity.Created, plan.Request.Model, [choice], plan.Usage);
        await context.Response.WriteAsJsonAsync(completion, SimJson.Context.ChatCompletion, contentType: null, cancellationToken);
    }

    protected override async Task StreamAsync(HttpContext context, PlannedGeneration plan, ResponseIdentity identity, CancellationToken cancellationToken)
    {
        using var events = await ServerSentEventWriter.StartAsync(context.Response, cancellationToken);
        var tokens = plan.Completion.Tokens;
        await foreach (var index in Engine.StreamAsync(plan.Job, cancellationToken))
        {
            var delta = index == 0 ? new ChatDelta(Assistant, tokens[index]) : new ChatDelta(Content: tokens[index]);
            await events.WriteAsync(Chunk(plan, identity, [new ChatChunkChoice(0, delta, null)]), SimJson.Context.ChatCompletionChunk, cancellationToken);
        }

        var finish = new ChatChunkChoice(0, new ChatDelta(), plan.FinishReason);
        await events.WriteAsync(Chunk(plan, identity, [finish]), SimJson.Context.ChatCompletionChunk, cancellationToken);
        if (plan.Request.IncludeUsage)
        {
            await events.WriteAsync(Chunk(plan, identity, [], plan.Usage), SimJson.Context.ChatCompletionChunk, cancellationToken);
        }

        await events.WriteDoneAsync(cancellationToken);
    }

    private static ChatCompletionChunk Chunk(PlannedGeneration plan, ResponseIdentity identity, IReadOnlyList<ChatChunkChoice> choices, TokenUsage? usage = null) =>
        new(identity.Id, "chat.completion.chunk", identity.Created, plan.Request.Model, choices, usage);
}

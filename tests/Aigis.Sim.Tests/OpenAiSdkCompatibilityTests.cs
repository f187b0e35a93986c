using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Aigis.Sim.Tests;

/// <summary>The official OpenAI .NET client talks to the simulator as to OpenAI.</summary>
public sealed class OpenAiSdkCompatibilityTests
{
    [Fact]
    public async Task Sdk_reads_chat_completions_streams_and_base64_embeddings()
    {
        await using var sim = await SimTestServer.StartAsync();
        var client = new OpenAIClient(new ApiKeyCredential("unused"), new OpenAIClientOptions { Endpoint = new Uri(sim.Server.BaseAddress, "v1") });
        var chat = client.GetChatClient("sim-llama-3-8b");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 5 };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Hello, world!")], options);
        var streamed = new List<string>();
        ChatTokenUsage? streamedUsage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Hello, world!")], options))
        {
            streamed.AddRange(update.ContentUpdate.Select(part => part.Text));
            streamedUsage ??= update.Usage;
        }

        OpenAIEmbedding embedding = await client.GetEmbeddingClient("sim-llama-3-8b").GenerateEmbeddingAsync("hello");

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.Equal(11, completion.Usage.InputTokenCount);
        Assert.Equal(5, completion.Usage.OutputTokenCount);
        Assert.Equal(completion.Content[0].Text, string.Concat(streamed));
        Assert.Equal(5, streamedUsage?.OutputTokenCount);
        Assert.Equal(384, embedding.ToFloats().Length);
    }
}

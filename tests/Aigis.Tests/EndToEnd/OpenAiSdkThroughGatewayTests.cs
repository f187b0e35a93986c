using System.ClientModel;
using Aigis.Sim;
using Aigis.Sim.Http;
using Aigis.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;

namespace Aigis.Tests.EndToEnd;

/// <summary>The official OpenAI .NET SDK, pointed at aigis, which forwards to simulated model servers.</summary>
public sealed class OpenAiSdkThroughGatewayTests
{
    [Fact]
    public async Task Sdk_chats_streams_embeds_and_lists_models_through_aigis()
    {
        var timeScale = 10.0;
        await using var chat1 = await SimServer.StartAsync(new SimOptions { Models = ["sim-llama-3-8b"], Seed = 1, TimeScale = timeScale }, CancellationToken.None);
        await using var chat2 = await SimServer.StartAsync(new SimOptions { Models = ["sim-llama-3-8b"], Seed = 1, TimeScale = timeScale }, CancellationToken.None);
        await using var embed = await SimServer.StartAsync(new SimOptions { Profile = SimProfile.Embed, Models = ["sim-embed"], TimeScale = timeScale }, CancellationToken.None);
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [sim-llama-3-8b], instances: ["{chat1.BaseAddress}", "{chat2.BaseAddress}"]{"}"}
              - {"{"}name: embed, kind: llm, models: [sim-embed], instances: ["{embed.BaseAddress}"]{"}"}
            """, "  auth: required");
        var (_, key) = await Identity.KeysApi.CreateAsync(gateway.AdminApi, "sdk-test", tenant: "acme");
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.Public.BaseAddress!, "v1") });
        var chat = client.GetChatClient("sim-llama-3-8b");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8 };

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Say hello to the gateway.")], options);
        var streamed = new List<string>();
        var updates = 0;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Say hello to the gateway.")], options))
        {
            updates++;
            streamed.AddRange(update.ContentUpdate.Select(part => part.Text));
        }

        OpenAIEmbedding embedding = await client.GetEmbeddingClient("sim-embed").GenerateEmbeddingAsync("hello");
        var models = (await client.GetOpenAIModelClient().GetModelsAsync()).Value.Select(m => m.Id).ToArray();

        Assert.Equal(8, completion.Usage.OutputTokenCount);
        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));

        // Both instances share a seed, so whichever served the stream, its text equals the non-streamed answer.
        Assert.Equal(completion.Content[0].Text, string.Concat(streamed));
        Assert.True(updates >= 8, $"expected one update per token, got {updates}");
        Assert.Equal(384, embedding.ToFloats().Length);
        Assert.Equal(["sim-embed", "sim-llama-3-8b"], models);
    }

    [Fact]
    public async Task Sdk_sees_a_bad_key_as_a_401_client_error()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]", "  auth: required");
        var client = new OpenAIClient(new ApiKeyCredential("aigis_not-a-real-key"), new OpenAIClientOptions { Endpoint = new Uri(gateway.Public.BaseAddress!, "v1") });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("nope").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, error.Status);
        Assert.Contains("invalid_api_key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_sees_an_unknown_model_as_a_404_client_error()
    {
        await using var gateway = await GatewayUnderTest.StartAsync("[]");
        var client = new OpenAIClient(new ApiKeyCredential("x"), new OpenAIClientOptions { Endpoint = new Uri(gateway.Public.BaseAddress!, "v1") });

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("nope").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(404, error.Status);
        Assert.Contains("model_not_found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sdk_sees_a_model_its_tenant_may_not_use_exactly_as_one_nobody_serves()
    {
        await using var upstream = await TestUpstream.StartAsync("llm");
        await using var gateway = await GatewayUnderTest.StartAsync($"""
              - {"{"}name: chat, kind: llm, models: [open-model, secret-model], instances: ["{upstream.Url}"]{"}"}
            """, "  auth: required");
        Assert.Equal(System.Net.HttpStatusCode.Created, (await Identity.TenantsApi.CreateAsync(gateway.AdminApi, "narrow", """{"models":["open-*"]}""")).StatusCode);
        var (_, key) = await Identity.KeysApi.CreateAsync(gateway.AdminApi, "sdk-narrow", tenant: "narrow");
        var client = new OpenAIClient(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = new Uri(gateway.Public.BaseAddress!, "v1") });

        var forbidden = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("secret-model").CompleteChatAsync([new UserChatMessage("hi")]));
        var missing = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("gpt-4o").CompleteChatAsync([new UserChatMessage("hi")]));

        // OpenAI's answer for both, so SDKs raise their not-found error, never a permission error.
        Assert.Equal(404, forbidden.Status);
        Assert.Equal(404, missing.Status);
        Assert.Contains("The model `secret-model` does not exist or you do not have access to it.", forbidden.Message, StringComparison.Ordinal);
        Assert.Equal(forbidden.Message.Replace("secret-model", "X", StringComparison.Ordinal), missing.Message.Replace("gpt-4o", "X", StringComparison.Ordinal));
        Assert.Empty(upstream.Received);
    }
}

using System.Text;
using Aigis.Core.Configuration;
using Aigis.Core.Tokens;

namespace Aigis.Core.Tests.Tokens;

public sealed class TokenCountingTests
{
    private static readonly TokenCounter s_cl100k = TokenCounter.For(TokenEncoding.Cl100k);

    [Fact]
    public void A_chat_prompt_counts_each_messages_role_and_text_plus_openais_overheads()
    {
        var body = """{"model":"m","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":[{"type":"text","text":"Hello there"},{"type":"image_url","image_url":{"url":"x"}}]}],"max_tokens":5}""";

        var count = PromptTokens.Count(Encoding.UTF8.GetBytes(body), s_cl100k);

        var expected = 3 + (3 + s_cl100k.Count("system") + s_cl100k.Count("You are terse."))
            + (3 + s_cl100k.Count("user") + s_cl100k.Count("Hello there"));
        Assert.Equal(expected, count);
        Assert.Equal(17, count);
    }

    [Fact]
    public void Escaped_text_counts_as_the_text_it_stands_for()
    {
        var plain = PromptTokens.Count("""{"prompt":"hello world"}"""u8, s_cl100k);
        var escaped = PromptTokens.Count("""{"prompt":"\u0068ello w\u006frld"}"""u8, s_cl100k);

        Assert.Equal(2, plain);
        Assert.Equal(plain, escaped);
    }

    [Fact]
    public void Completions_and_embeddings_inputs_count_strings_arrays_and_token_ids()
    {
        Assert.Equal(4, PromptTokens.Count("""{"input":["hello world","hello world"]}"""u8, s_cl100k));
        Assert.Equal(3, PromptTokens.Count("""{"input":[1,2,3]}"""u8, s_cl100k));
        Assert.Equal(0, PromptTokens.Count("""{"model":"m"}"""u8, s_cl100k));
    }

    [Fact]
    public void The_estimate_is_a_quarter_of_the_utf8_bytes_rounded_up()
    {
        Assert.Equal(2, EstimateCounter.Instance.Count("abcdefgh"));
        Assert.Equal(3, EstimateCounter.Instance.Count("abcdefghi"));
        Assert.Equal(1, EstimateCounter.Instance.Count("é"));
    }

    [Theory]
    [InlineData("gpt-4o-mini", TokenEncoding.O200k)]
    [InlineData("o3-mini", TokenEncoding.O200k)]
    [InlineData("openai/gpt-4.1", TokenEncoding.O200k)]
    [InlineData("gpt-4", TokenEncoding.Cl100k)]
    [InlineData("gpt-3.5-turbo", TokenEncoding.Cl100k)]
    [InlineData("llama-3-8b", TokenEncoding.Cl100k)]
    [InlineData("open-llama", TokenEncoding.Cl100k)]
    public void Model_families_get_their_encoding(string model, TokenEncoding encoding) =>
        Assert.Equal(encoding, ModelUsagePolicy.FamilyEncoding(model));

    [Fact]
    public void The_first_matching_rule_sets_the_encoding_and_prices_and_the_rest_fall_back()
    {
        var policy = new ModelUsagePolicy(new UsageConfig
        {
            Models = [new("sim-*", TokenEncoding.Estimate, 1_000_000, 2_000_000), new("sim-chat", TokenEncoding.O200k, 5, 5)],
        });

        var sim = policy.For("sim-chat");
        var gpt = policy.For("gpt-4o");

        Assert.Equal(TokenEncoding.Estimate, sim.Counter.Encoding);
        Assert.Equal(1_000 + 4_000, sim.CostMicros(1_000, 2_000));
        Assert.Equal(1, sim.CostMicros(1, 0));
        Assert.Equal(TokenEncoding.O200k, gpt.Counter.Encoding);
        Assert.Equal(0, gpt.CostMicros(1_000_000, 1_000_000));
    }

    [Fact]
    public void A_response_reports_its_usage_or_has_its_text_counted()
    {
        var withUsage = CompletionUsage.Read("""{"choices":[{"message":{"role":"assistant","content":"hello world"}}],"usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}"""u8, s_cl100k);
        var chunk = CompletionUsage.Read("""{"choices":[{"index":0,"delta":{"content":"hello world"}}]}"""u8, s_cl100k);
        var text = CompletionUsage.Read("""{"choices":[{"text":"hello world","index":0}]}"""u8, s_cl100k);

        Assert.Equal(new CompletionUsage.Reported(9, 12, 2), withUsage);
        Assert.Equal(new CompletionUsage.Reported(-1, -1, 2), chunk);
        Assert.Equal(new CompletionUsage.Reported(-1, -1, 2), text);
    }
}

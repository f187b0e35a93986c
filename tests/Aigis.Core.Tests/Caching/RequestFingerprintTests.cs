using System.Text;
using Aigis.Core.Caching;

namespace Aigis.Core.Tests.Caching;

/// <summary>What changes the exact cache's key and what must not.</summary>
public sealed class RequestFingerprintTests
{
    private const string Chat = "/v1/chat/completions";
    private const string Base = """{"model":"m","temperature":0,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""";

    private static UInt128 Key(string body, string endpoint = Chat, string? scope = "acme", bool stream = false) =>
        RequestFingerprint.Compute(endpoint, scope, Encoding.UTF8.GetBytes(body), stream).Key;

    [Theory]
    [InlineData("key order", """{"temperature":0,"messages":[{"content":"You are terse.","role":"system"},{"role":"user","content":"What is 2+2?"}],"model":"m"}""")]
    [InlineData("whitespace", "{ \"model\" : \"m\",\n \"temperature\": 0, \"messages\": [ {\"role\":\"system\",\"content\":\"You are terse.\"}, {\"role\":\"user\",\"content\":\"What is 2+2?\"} ] }")]
    [InlineData("number spelling", """{"model":"m","temperature":0.0e0,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("string escapes", """{"model":"\u006d","temperature":0,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2\u002b2?"}]}""")]
    [InlineData("the end user's id", """{"model":"m","temperature":0,"user":"alice","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("metadata and store", """{"model":"m","temperature":0,"store":true,"metadata":{"run":"7"},"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("an explicit stream: false", """{"model":"m","temperature":0,"stream":false,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    public void Same_request_written_differently_has_the_same_key(string difference, string body)
    {
        Assert.True(Key(Base) == Key(body), difference);
    }

    [Theory]
    [InlineData("model", """{"model":"other","temperature":0,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("system prompt", """{"model":"m","temperature":0,"messages":[{"role":"system","content":"You are verbose."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("last user message", """{"model":"m","temperature":0,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+3?"}]}""")]
    [InlineData("message order", """{"model":"m","temperature":0,"messages":[{"role":"user","content":"What is 2+2?"},{"role":"system","content":"You are terse."}]}""")]
    [InlineData("tools", """{"model":"m","temperature":0,"tools":[{"type":"function","function":{"name":"add"}}],"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("tool choice", """{"model":"m","temperature":0,"tool_choice":"none","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("response format", """{"model":"m","temperature":0,"response_format":{"type":"json_object"},"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("max tokens", """{"model":"m","temperature":0,"max_tokens":5,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("temperature", """{"model":"m","temperature":0.7,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("an unknown field", """{"model":"m","temperature":0,"x_vendor_knob":1,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?"}]}""")]
    [InlineData("a nested user field", """{"model":"m","temperature":0,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":"What is 2+2?","name":"bob"}]}""")]
    public void Anything_that_can_change_the_answer_changes_the_key(string difference, string body)
    {
        Assert.False(Key(Base) == Key(body), difference);
    }

    [Fact]
    public void Tenant_endpoint_and_answer_shape_are_part_of_the_key()
    {
        Assert.NotEqual(Key(Base, scope: "acme"), Key(Base, scope: "globex"));
        Assert.NotEqual(Key(Base, scope: "acme"), Key(Base, scope: null));
        Assert.NotEqual(Key(Base), Key(Base, endpoint: "/v1/completions"));
        Assert.NotEqual(Key(Base, stream: false), Key(Base, stream: true));
    }

    [Fact]
    public void Seeds_beyond_double_precision_stay_distinct()
    {
        Assert.NotEqual(Key("""{"model":"m","seed":9007199254740993}"""), Key("""{"model":"m","seed":9007199254740992}"""));
    }

    [Fact]
    public void A_key_that_only_moves_text_between_fields_is_still_different()
    {
        // Length-prefixed strings: "ab"+"c" and "a"+"bc" must not write the same bytes.
        Assert.NotEqual(Key("""{"model":"m","messages":[{"role":"ab","content":"c"}]}"""), Key("""{"model":"m","messages":[{"role":"a","content":"bc"}]}"""));
    }

    [Theory]
    [InlineData(Chat, """{"model":"m","temperature":0}""", true)]
    [InlineData(Chat, """{"model":"m","temperature":0.0}""", true)]
    [InlineData(Chat, """{"model":"m","seed":42,"temperature":1}""", true)]
    [InlineData("/v1/embeddings", """{"model":"e","input":"hi"}""", true)]
    [InlineData(Chat, """{"model":"m"}""", false)]
    [InlineData(Chat, """{"model":"m","temperature":0.2}""", false)]
    [InlineData(Chat, """{"model":"m","temperature":"0"}""", false)]
    [InlineData(Chat, """{"model":"m","seed":null}""", false)]
    public void Only_requests_whose_answer_cannot_vary_are_deterministic(string endpoint, string body, bool deterministic)
    {
        Assert.Equal(deterministic, RequestFingerprint.Compute(endpoint, null, Encoding.UTF8.GetBytes(body), stream: false).Deterministic);
    }
}

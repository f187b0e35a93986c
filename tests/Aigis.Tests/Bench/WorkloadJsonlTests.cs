using System.Text;
using Aigis.Bench.Routing.Presets;
using Aigis.Bench.Routing.Workloads;

namespace Aigis.Tests.Bench;

public sealed class WorkloadJsonlTests
{
    private const int EngineTokens = 400_000;

    [Fact]
    public void Reads_the_line_design_md_gives()
    {
        var result = Read("""{"at_ms": 1250.0, "session": "u17", "prompt": [{"id": "sys-2", "tokens": 1200}, {"id": "u17-t1", "tokens": 310}], "max_tokens": 180}""");

        Assert.Null(result.Error);
        var request = Assert.Single(result.Workload!.Requests);
        Assert.Equal(1250.0, request.AtMs);
        Assert.Equal("u17", request.Session);
        Assert.Equal([new PromptSegment("sys-2", 1200), new PromptSegment("u17-t1", 310)], request.Prompt);
        Assert.Equal(180, request.MaxTokens);
        Assert.Equal(1510, request.PromptTokens);
    }

    [Fact]
    public void A_written_workload_reads_back_identical()
    {
        var workload = WorkloadPresets.Generate(ChatSharedPrefixPreset.Name, 300, seed: 7);

        var text = Write(workload);
        var read = Read(text);

        Assert.Null(read.Error);
        Assert.Equal(workload.Count, read.Workload!.Count);
        for (var i = 0; i < workload.Count; i++)
        {
            var (expected, actual) = (workload.Requests[i], read.Workload.Requests[i]);
            Assert.Equal(expected.AtMs, actual.AtMs);
            Assert.Equal(expected.Session, actual.Session);
            Assert.Equal(expected.Prompt, actual.Prompt);
            Assert.Equal(expected.MaxTokens, actual.MaxTokens);
        }

        Assert.Equal(text, Write(read.Workload));
    }

    [Fact]
    public void Session_may_be_absent_and_blank_lines_are_skipped()
    {
        var result = Read("""
            {"at_ms": 0, "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1}

            {"at_ms": 3, "session": null, "prompt": [{"id": "b", "tokens": 5}], "max_tokens": 2}
            """);

        Assert.Null(result.Error);
        Assert.Equal(2, result.Workload!.Count);
        Assert.All(result.Workload.Requests, r => Assert.Null(r.Session));
    }

    [Theory]
    [InlineData("""{"at_ms": 0, "session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1""", "not valid JSON")]
    [InlineData("""[1, 2]""", "must be a JSON object")]
    [InlineData("""{"session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1}""", "missing \"at_ms\"")]
    [InlineData("""{"at_ms": 10, "session": "s", "max_tokens": 1}""", "missing \"prompt\"")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 5}]}""", "missing \"max_tokens\"")]
    [InlineData("""{"at_ms": -1, "session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1}""", "\"at_ms\" must be a number")]
    [InlineData("""{"at_ms": "soon", "session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1}""", "\"at_ms\" must be a number")]
    [InlineData("""{"at_ms": 10, "session": 17, "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1}""", "\"session\" must be a string")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [], "max_tokens": 1}""", "\"prompt\" must be a non-empty array")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 0}], "max_tokens": 1}""", "prompt[0] must be")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 5}, {"id": "", "tokens": 5}], "max_tokens": 1}""", "prompt[1] must be")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 5, "text": "hi"}], "max_tokens": 1}""", "prompt[0] has an unknown field \"text\"")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 0}""", "\"max_tokens\" must be a whole number")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_token": 3}""", "unknown field \"max_token\"")]
    [InlineData("""{"at_ms": 5, "session": "s", "prompt": [{"id": "a", "tokens": 5}], "max_tokens": 1}""", "before the previous request's 10")]
    [InlineData("""{"at_ms": 10, "session": "s", "prompt": [{"id": "a", "tokens": 399000}], "max_tokens": 2000}""", "exceeds the simulated engine's KV cache of 400000 tokens")]
    public void A_bad_line_is_refused_naming_its_line(string badLine, string expected)
    {
        var text = "{\"at_ms\": 10, \"session\": \"s\", \"prompt\": [{\"id\": \"a\", \"tokens\": 5}], \"max_tokens\": 1}\n" + badLine + "\n";

        var result = Read(text);

        Assert.Null(result.Workload);
        Assert.StartsWith("w.jsonl:2: ", result.Error, StringComparison.Ordinal);
        Assert.Contains(expected, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', result.Error!);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Equal("w.jsonl: the workload has no requests", Read("\n\n").Error);
    }

    [Fact]
    public void A_missing_file_is_a_one_line_error()
    {
        var result = WorkloadJsonl.ReadFile("/nonexistent/w.jsonl", EngineTokens);

        Assert.StartsWith("/nonexistent/w.jsonl: cannot read the workload file", result.Error, StringComparison.Ordinal);
    }

    private static WorkloadReadResult Read(string text) => WorkloadJsonl.Read(new StringReader(text), "w.jsonl", EngineTokens);

    private static string Write(Workload workload)
    {
        using var stream = new MemoryStream();
        WorkloadJsonl.Write(stream, workload);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}

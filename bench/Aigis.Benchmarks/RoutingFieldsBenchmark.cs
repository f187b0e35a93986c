using System.Text;
using Aigis.Pipeline;
using BenchmarkDotNet.Attributes;

namespace Aigis.Benchmarks;

/// <summary>
/// The per-request cost of finding <c>model</c> and <c>stream</c> in a chat body: a forward-only scan that
/// skips every other value. Baseline: parsing the same body into a <c>JsonDocument</c>.
/// </summary>
[MemoryDiagnoser]
public class RoutingFieldsBenchmark
{
    private byte[] _body = [];

    /// <summary>Prompt size in characters (about four per token): a short chat turn and a 4k-token prompt.</summary>
    [Params(400, 16_000)]
    public int PromptChars { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var prompt = new StringBuilder();
        var random = new Random(7);
        while (prompt.Length < PromptChars)
        {
            prompt.Append("word").Append(random.Next(1000)).Append(' ');
        }

        // "model" last, the worst case for a scan that stops at nothing.
        _body = Encoding.UTF8.GetBytes($$"""{"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":"{{prompt}}"}],"temperature":0.7,"max_tokens":256,"stream":true,"model":"llama-3-8b-instruct"}""");
    }

    [Benchmark(Baseline = true)]
    public string? JsonDocumentParse()
    {
        using var document = System.Text.Json.JsonDocument.Parse(_body);
        return document.RootElement.GetProperty("model").GetString();
    }

    [Benchmark]
    public string? ForwardOnlyScan() => ModelRequestReader.ParseRoutingFields(_body).Model;
}

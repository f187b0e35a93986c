using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Aigis.Sim.Classify;

namespace Aigis.Sim.Tests;

public sealed class ClassifierTests
{
    private static readonly SimOptions _classifier = SimTestServer.Fast with { Profile = SimProfile.Classifier };

    [Fact]
    public async Task Classify_answers_known_labels_best_first_with_scores_summing_to_at_most_one()
    {
        await using var sim = await SimTestServer.StartAsync(_classifier);

        using var document = await sim.PostForJsonAsync("v1/classify", ImageRequest(Image(1000, fill: 7)));

        var root = document.RootElement;
        Assert.StartsWith("cls-", root.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("classification", root.GetProperty("object").GetString());
        Assert.Equal("sim-vision", root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("created").GetInt64() > 0);
        var labels = Labels(root);
        Assert.Equal(ClassifyRequestReader.DefaultTopK, labels.Count);
        Assert.All(labels, label => Assert.Contains(label.Label, ImageLabels.All));
        Assert.Equal(labels.OrderByDescending(label => label.Score).Select(label => label.Score), labels.Select(label => label.Score));
        Assert.True(labels.Sum(label => label.Score) <= 1.0);
        Assert.All(labels, label => Assert.InRange(label.Score, 0.0, 1.0));
    }

    [Fact]
    public async Task Labels_depend_only_on_seed_and_input_bytes()
    {
        await using var seven = await SimTestServer.StartAsync(_classifier with { Seed = 7 });
        await using var alsoSeven = await SimTestServer.StartAsync(_classifier with { Seed = 7 });
        await using var eight = await SimTestServer.StartAsync(_classifier with { Seed = 8 });
        var request = ImageRequest(Image(4096, fill: 1), topK: 50);

        var first = await ClassifyAsync(seven, request);

        Assert.Equal(first, await ClassifyAsync(seven, request));
        Assert.Equal(first, await ClassifyAsync(alsoSeven, request));
        Assert.NotEqual(first, await ClassifyAsync(eight, request));
        Assert.NotEqual(first, await ClassifyAsync(seven, ImageRequest(Image(4096, fill: 2), topK: 50)));
    }

    [Fact]
    public async Task Url_is_classified_from_its_text_without_being_fetched()
    {
        await using var sim = await SimTestServer.StartAsync(_classifier);
        // .invalid never resolves: an answer proves the simulator made no outbound call.
        const string Request = """{"model": "sim-vision", "url": "https://images.invalid/cat.jpg", "top_k": 3}""";

        var first = await ClassifyAsync(sim, Request);

        Assert.Equal(3, first.Count);
        Assert.Equal(first, await ClassifyAsync(sim, Request));
        Assert.NotEqual(first, await ClassifyAsync(sim, """{"model": "sim-vision", "url": "https://images.invalid/dog.jpg", "top_k": 3}"""));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(50, 50)]
    [InlineData(100, 50)]
    public async Task Top_k_sets_how_many_labels_come_back_up_to_the_whole_label_set(int topK, int expected)
    {
        await using var sim = await SimTestServer.StartAsync(_classifier);

        Assert.Equal(expected, (await ClassifyAsync(sim, ImageRequest(Image(10, fill: 3), topK))).Count);
    }

    [Theory]
    [InlineData("{not json", null)]
    [InlineData("""{"image": "aGVsbG8="}""", "model")]
    [InlineData("""{"model": "sim-vision"}""", "image")]
    [InlineData("""{"model": "sim-vision", "image": "aGVsbG8=", "url": "https://a.invalid/x.png"}""", "image")]
    [InlineData("""{"model": "sim-vision", "image": "not base64!"}""", "image")]
    [InlineData("""{"model": "sim-vision", "image": ""}""", "image")]
    [InlineData("""{"model": "sim-vision", "image": 5}""", "image")]
    [InlineData("""{"model": "sim-vision", "url": "ftp://a.invalid/x.png"}""", "url")]
    [InlineData("""{"model": "sim-vision", "url": "cat.png"}""", "url")]
    [InlineData("""{"model": "sim-vision", "image": "aGVsbG8=", "top_k": 0}""", "top_k")]
    [InlineData("""{"model": "sim-vision", "image": "aGVsbG8=", "top_k": 101}""", "top_k")]
    [InlineData("""{"model": "sim-vision", "image": "aGVsbG8=", "top_k": "3"}""", "top_k")]
    public async Task Bad_classify_request_is_a_400_in_openai_shape(string body, string? param)
    {
        await using var sim = await SimTestServer.StartAsync(_classifier);

        using var document = await sim.PostForJsonAsync("v1/classify", body, HttpStatusCode.BadRequest);

        var error = document.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task Unknown_model_is_a_404_model_not_found()
    {
        await using var sim = await SimTestServer.StartAsync(_classifier);

        using var document = await sim.PostForJsonAsync("v1/classify", """{"model": "resnet", "image": "aGVsbG8="}""", HttpStatusCode.NotFound);

        Assert.Equal("model_not_found", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Image_over_the_size_limit_is_a_413()
    {
        await using var sim = await SimTestServer.StartAsync(_classifier with { Classifier = new ClassifierOptions { MaxImageBytes = 1024 } });

        using var _ = await sim.PostForJsonAsync("v1/classify", ImageRequest(Image(1024, fill: 0)));
        using var document = await sim.PostForJsonAsync("v1/classify", ImageRequest(Image(1025, fill: 0)), HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("image_too_large", document.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Oversized_content_length_is_refused_before_the_body_is_read()
    {
        await using var sim = await SimTestServer.StartAsync(_classifier with { Classifier = new ClassifierOptions { MaxImageBytes = 1024 } });
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(sim.Server.BaseAddress.Host, sim.Server.BaseAddress.Port);
        var stream = tcp.GetStream();

        // Headers announce 10 MiB, and not one byte of body follows: only a check of Content-Length can answer.
        var head = $"POST /v1/classify HTTP/1.1\r\nHost: {sim.Server.BaseAddress.Authority}\r\nContent-Type: application/json\r\nContent-Length: {10 << 20}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("HTTP/1.1 413 Payload Too Large", statusLine);
    }

    [Fact]
    public async Task Classifier_profile_serves_models_health_and_metrics_but_no_text_endpoints()
    {
        await using var sim = await SimTestServer.StartAsync(_classifier);

        using var _ = await sim.PostForJsonAsync("v1/classify", ImageRequest(Image(100, fill: 9)));
        using var __ = await sim.PostForJsonAsync("v1/classify", """{"model": "resnet", "image": "aGVsbG8="}""", HttpStatusCode.NotFound);
        using var ___ = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-vision", "input": "hi"}""", HttpStatusCode.NotFound);
        using var ____ = await sim.PostForJsonAsync("v1/chat/completions", """{"model": "sim-vision", "messages": []}""", HttpStatusCode.NotFound);

        Assert.Contains("\"sim-vision\"", await sim.GetStringAsync("v1/models"), StringComparison.Ordinal);
        Assert.Equal("""{"status":"ok"}""", await sim.GetStringAsync("health"));
        var metrics = await sim.GetStringAsync("metrics");
        Assert.Contains("# TYPE aigis_sim:classify_requests_total counter", metrics, StringComparison.Ordinal);
        Assert.Contains("""aigis_sim:classify_requests_total{model_name="sim-vision",code="200"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""aigis_sim:classify_requests_total{model_name="",code="404"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("# TYPE aigis_sim:classify_latency_seconds histogram", metrics, StringComparison.Ordinal);
        Assert.Contains("""aigis_sim:classify_latency_seconds_bucket{model_name="sim-vision",le="+Inf"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""aigis_sim:classify_latency_seconds_count{model_name="sim-vision"} 1""", metrics, StringComparison.Ordinal);
        Assert.Contains("""vllm:request_success_total{model_name="sim-vision"} 1""", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_larger_image_takes_longer()
    {
        // Real time: 1 MiB at 200 ms per MiB, plus the 12 ms base.
        var options = new SimOptions { Profile = SimProfile.Classifier, Classifier = new ClassifierOptions { LatencyPerMiB = TimeSpan.FromMilliseconds(200) } };
        await using var sim = await SimTestServer.StartAsync(options);
        var start = TimeProvider.System.GetTimestamp();

        using var _ = await sim.PostForJsonAsync("v1/classify", ImageRequest(Image(1 << 20, fill: 5)));

        // A little slack: system timers can fire a millisecond or so before the Stopwatch agrees.
        var elapsed = TimeProvider.System.GetElapsedTime(start);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds(205), $"answered after {elapsed.TotalMilliseconds} ms");
    }

    internal static byte[] Image(int length, byte fill)
    {
        var bytes = new byte[length];
        for (var index = 0; index < bytes.Length; index++)
        {
            bytes[index] = (byte)(fill + (index * 31));
        }

        return bytes;
    }

    internal static string ImageRequest(byte[] image, int? topK = null) =>
        $$"""{"model": "sim-vision", "image": "{{Convert.ToBase64String(image)}}"{{(topK is { } k ? $", \"top_k\": {k}" : string.Empty)}}}""";

    private static async Task<IReadOnlyList<LabelScore>> ClassifyAsync(SimTestServer sim, string request)
    {
        using var document = await sim.PostForJsonAsync("v1/classify", request);
        return Labels(document.RootElement);
    }

    private static List<LabelScore> Labels(JsonElement root) =>
        [.. root.GetProperty("labels").EnumerateArray().Select(label => new LabelScore(label.GetProperty("label").GetString()!, label.GetProperty("score").GetDouble()))];
}

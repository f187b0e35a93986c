using System.Buffers.Binary;
using System.Text.Json;

namespace Aigis.Sim.Tests;

public sealed class EmbeddingsTests
{
    [Fact]
    public async Task Embeddings_are_deterministic_unit_vectors_of_the_configured_dimension()
    {
        await using var sim = await SimTestServer.StartAsync(SimTestServer.Fast with { Profile = SimProfile.Embed, EmbeddingDimensions = 64 });
        const string Request = """{"model": "sim-embed", "input": ["first text", "second text"]}""";

        using var first = await sim.PostForJsonAsync("v1/embeddings", Request);
        using var again = await sim.PostForJsonAsync("v1/embeddings", Request);

        var root = first.RootElement;
        Assert.Equal("list", root.GetProperty("object").GetString());
        Assert.Equal("sim-embed", root.GetProperty("model").GetString());
        Assert.Equal(4, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        Assert.Equal(4, root.GetProperty("usage").GetProperty("total_tokens").GetInt32());
        var data = root.GetProperty("data");
        Assert.Equal(2, data.GetArrayLength());
        Assert.Equal("embedding", data[1].GetProperty("object").GetString());
        Assert.Equal(1, data[1].GetProperty("index").GetInt32());
        var vector = Floats(data[0]);
        Assert.Equal(64, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(x => (double)x * x)), precision: 5);
        Assert.Equal(vector, Floats(again.RootElement.GetProperty("data")[0]));
        Assert.NotEqual(vector, Floats(data[1]));
    }

    [Fact]
    public async Task Base64_encoding_decodes_to_the_same_floats()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var asFloats = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hello"}""");
        using var asBase64 = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hello", "encoding_format": "base64"}""");

        var bytes = Convert.FromBase64String(asBase64.RootElement.GetProperty("data")[0].GetProperty("embedding").GetString()!);
        var decoded = new float[bytes.Length / sizeof(float)];
        for (var index = 0; index < decoded.Length; index++)
        {
            decoded[index] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(index * sizeof(float)));
        }

        Assert.Equal(384, decoded.Length);
        Assert.Equal(Floats(asFloats.RootElement.GetProperty("data")[0]), decoded);
    }

    [Fact]
    public async Task Fewer_dimensions_keep_the_leading_direction_at_unit_length()
    {
        await using var sim = await SimTestServer.StartAsync();

        using var full = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hello"}""");
        using var reduced = await sim.PostForJsonAsync("v1/embeddings", """{"model": "sim-llama-3-8b", "input": "hello", "dimensions": 8}""");

        var fullVector = Floats(full.RootElement.GetProperty("data")[0]);
        var reducedVector = Floats(reduced.RootElement.GetProperty("data")[0]);
        Assert.Equal(8, reducedVector.Length);
        Assert.Equal(1.0, Math.Sqrt(reducedVector.Sum(x => (double)x * x)), precision: 5);
        Assert.True(Math.Sign(fullVector[0]) == Math.Sign(reducedVector[0]) && Math.Sign(fullVector[7]) == Math.Sign(reducedVector[7]));
    }

    private static float[] Floats(JsonElement item) =>
        [.. item.GetProperty("embedding").EnumerateArray().Select(value => value.GetSingle())];
}

using System.Text.Json;

namespace Aigis.Tests.Infrastructure;

public static class Json
{
    public static StringContent Body(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    /// <summary>Reads an OpenAI-shaped error and returns its code, asserting the shape on the way.</summary>
    public static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var error = document.RootElement.GetProperty("error");
        Assert.Equal(JsonValueKind.String, error.GetProperty("type").ValueKind);
        return (error.GetProperty("code").GetString()!, error.GetProperty("message").GetString()!);
    }

    public static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }
}

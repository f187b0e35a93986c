using System.Net;
using System.Text.Json;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Identity;

/// <summary>The admin API's key calls, as a test drives them.</summary>
internal static class KeysApi
{
    public static async Task<(string Id, string Key)> CreateAsync(HttpClient admin, string name, string? tenant = null, string? role = null, string? expiresIn = null)
    {
        var body = new Dictionary<string, string> { ["name"] = name };
        if (tenant is not null)
        {
            await TenantsApi.EnsureAsync(admin, tenant);
            body["tenant"] = tenant;
        }

        if (role is not null)
        {
            body["role"] = role;
        }

        if (expiresIn is not null)
        {
            body["expires_in"] = expiresIn;
        }

        var response = await admin.PostAsync("/admin/v1/keys", Json.Body(JsonSerializer.Serialize(body)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await Json.ReadAsync(response);
        return (created.GetProperty("details").GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    public static async Task<(string Id, string Key, JsonElement Old)> RotateAsync(HttpClient admin, string id, string overlap)
    {
        var response = await admin.PostAsync($"/admin/v1/keys/{id}/rotate", Json.Body($$"""{"overlap":"{{overlap}}"}"""));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var rotated = await Json.ReadAsync(response);
        return (rotated.GetProperty("details").GetProperty("id").GetString()!, rotated.GetProperty("key").GetString()!, rotated.GetProperty("replaced"));
    }

    public static async Task RevokeAsync(HttpClient admin, string id)
    {
        var response = await admin.DeleteAsync($"/admin/v1/keys/{id}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Sends a chat request with the given headers (no key unless one is among them).</summary>
    public static async Task<HttpResponseMessage> ChatAsync(HttpClient client, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("""{"model":"m"}""") };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return await client.SendAsync(request);
    }

    public static (string, string) Bearer(string key) => ("Authorization", "Bearer " + key);
}

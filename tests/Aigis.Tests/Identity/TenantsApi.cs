using System.Net;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Identity;

/// <summary>The admin API's tenant calls, as a test drives them.</summary>
internal static class TenantsApi
{
    /// <summary>Creates <paramref name="name"/> allowed everything (as a store from before tenants has it) unless it exists.</summary>
    public static async Task EnsureAsync(HttpClient admin, string name, string body = """{"services":["*"],"models":["*"],"role":"admin"}""")
    {
        var response = await admin.PostAsync("/admin/v1/tenants", Json.Body(body.Insert(1, $"\"name\":\"{name}\",")));
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, $"tenant {name}: {response.StatusCode}");
    }

    /// <summary>Creates a tenant from a JSON body (its name is added) and returns the answer.</summary>
    public static async Task<HttpResponseMessage> CreateAsync(HttpClient admin, string name, string body = "{}") =>
        await admin.PostAsync("/admin/v1/tenants", Json.Body(body.Length <= 2 ? $"{{\"name\":\"{name}\"}}" : body.Insert(1, $"\"name\":\"{name}\",")));

    public static async Task<HttpResponseMessage> UpdateAsync(HttpClient admin, string name, string body) =>
        await admin.PatchAsync($"/admin/v1/tenants/{name}", Json.Body(body));
}

using System.Net;
using Aigis.Tests.Infrastructure;
using static Aigis.Tests.Identity.KeysApi;

namespace Aigis.Tests.Identity;

/// <summary>
/// Tenants' grants on the public listener, and the attempts to get around them. One upstream serves two models
/// and backs two services; the tenant under test may use one of each.
/// </summary>
public sealed class AuthorizationTests : IAsyncLifetime
{
    private TestUpstream _upstream = null!;
    private GatewayUnderTest _gateway = null!;
    private string _key = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await TestUpstream.StartAsync("up");
        _gateway = await GatewayUnderTest.StartAsync($$"""
              - {name: open, kind: llm, models: [allowed-model, secret-model], instances: ["{{_upstream.Url}}"]}
              - {name: allowed-svc, kind: http, instances: ["{{_upstream.Url}}"]}
              - {name: secret-svc, kind: http, instances: ["{{_upstream.Url}}"]}
            """, "  auth: required");
        var created = await TenantsApi.CreateAsync(_gateway.AdminApi, "narrow", """{"models":["allowed-*"],"services":["allowed-svc"]}""");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        (_, _key) = await CreateAsync(_gateway.AdminApi, "narrow-key", tenant: "narrow");
        _client = _gateway.PublicWithKey(_key);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_tenant_uses_its_model_and_service_and_is_refused_the_others_with_openais_404()
    {
        var allowed = await ChatAsync("allowed-model");
        var secret = await ChatAsync("secret-model");
        var allowedService = await _client.PostAsync("/svc/allowed-svc/v1/classify", Json.Body("{}"));
        var secretService = await _client.PostAsync("/svc/secret-svc/v1/classify", Json.Body("{}"));

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, allowedService.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, secret.StatusCode);
        var error = await Json.ErrorAsync(secret);
        Assert.Equal("model_not_found", error.Code);
        Assert.Equal("The model `secret-model` does not exist or you do not have access to it.", error.Message);
        Assert.Equal(HttpStatusCode.NotFound, secretService.StatusCode);
        Assert.Equal("service_not_found", (await Json.ErrorAsync(secretService)).Code);
        Assert.Equal(2, _upstream.Received.Count);
    }

    [Fact]
    public async Task A_forbidden_model_that_exists_and_one_that_does_not_get_the_same_answer()
    {
        var existing = await ChatAsync("secret-model");
        var unknown = await ChatAsync("no-such-model");
        var existingService = await _client.GetAsync("/svc/secret-svc/x");
        var unknownService = await _client.GetAsync("/svc/no-such-svc/x");
        var unknownButGranted = await ChatAsync("allowed-but-not-served");

        Assert.Equal((existing.StatusCode, Strip(await existing.Content.ReadAsStringAsync(), "secret-model")),
            (unknown.StatusCode, Strip(await unknown.Content.ReadAsStringAsync(), "no-such-model")));
        Assert.Equal((existingService.StatusCode, Strip(await existingService.Content.ReadAsStringAsync(), "secret-svc")),
            (unknownService.StatusCode, Strip(await unknownService.Content.ReadAsStringAsync(), "no-such-svc")));
        Assert.Equal(HttpStatusCode.NotFound, unknownButGranted.StatusCode);
        Assert.Equal("model_not_found", (await Json.ErrorAsync(unknownButGranted)).Code);
    }

    [Fact]
    public async Task Models_lists_only_what_the_tenant_may_use()
    {
        var narrow = await Json.ReadAsync(await _client.GetAsync("/v1/models"));
        using var admin = _gateway.PublicWithKey((await CreateAsync(_gateway.AdminApi, "wide", tenant: "default")).Key);
        var wide = await Json.ReadAsync(await admin.GetAsync("/v1/models"));

        Assert.Equal(["allowed-model"], narrow.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
        Assert.Equal(["allowed-model", "secret-model"], wide.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("POST", "//v1/chat/completions")]
    [InlineData("POST", "/v1//chat/completions")]
    [InlineData("POST", "/v1/chat%2Fcompletions")]
    [InlineData("POST", "/v1%2Fchat%2Fcompletions")]
    [InlineData("POST", "/./v1/chat/completions")]
    [InlineData("POST", "/v1/./chat/completions")]
    [InlineData("POST", "/x/../v1/chat/completions")]
    [InlineData("POST", "/V1/chat/completions")]
    [InlineData("POST", "/v1/Chat/Completions")]
    [InlineData("POST", "/v1/chat/completions?model=allowed-model")]
    [InlineData("GET", "/svc/secret-svc/x")]
    [InlineData("GET", "/svc/SECRET-SVC/x")]
    [InlineData("GET", "/svc/Secret-svc/x")]
    [InlineData("GET", "//svc/secret-svc/x")]
    [InlineData("GET", "/svc//secret-svc/x")]
    [InlineData("GET", "/svc%2Fsecret-svc/x")]
    [InlineData("GET", "/svc/secret-svc%2Fx")]
    [InlineData("GET", "/svc/allowed-svc/../secret-svc/x")]
    [InlineData("GET", "/svc/allowed-svc/%2E%2E/secret-svc/x")]
    [InlineData("GET", "/svc/allowed-svc%2F..%2Fsecret-svc/x")]
    [InlineData("GET", "/svc/./secret-svc/x")]
    [InlineData("GET", "/v1/../admin/v1/keys")]
    [InlineData("GET", "/admin/v1/keys")]
    [InlineData("GET", "/admin/v1/tenants")]
    [InlineData("GET", "/metrics")]
    public async Task Path_tricks_never_reach_a_forbidden_model_or_service(string method, string target)
    {
        var (status, response) = await RawHttp.SendAsync(_gateway.Host.PublicUrl, method, target, [("Authorization", "Bearer " + _key)],
            method == "POST" ? """{"model":"secret-model","messages":[]}""" : "");

        Assert.True(status is 400 or 403 or 404, $"{target}: {status}\n{response}");
        AssertNothingForbiddenReached();
    }

    [Theory]
    [InlineData("""{"model":"allowed-model","model":"secret-model"}""")]
    [InlineData("""{"model":"secret-model","model":"allowed-model"}""")]
    [InlineData("""{"mod\u0065l":"secret-model"}""")]
    [InlineData("""{"model":"secret-model","messages":[]}""")]
    [InlineData("""{"model":"secret\u002dmodel"}""")]
    [InlineData("""{"model":"Secret-Model"}""")]
    [InlineData("""{"model":"allowed-model\u0000"}""")]
    [InlineData("""{"model":"allowed-model "}""")]
    public async Task Body_tricks_never_reach_a_forbidden_model(string body)
    {
        var response = await _client.PostAsync("/v1/chat/completions", Json.Body(body));

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Forbidden or HttpStatusCode.NotFound, $"{body}: {response.StatusCode}");
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task Header_tricks_are_refused_before_authorization_even_looks()
    {
        var (_, wideKey) = await CreateAsync(_gateway.AdminApi, "wide", tenant: "default");
        var body = """{"model":"secret-model"}""";
        var url = _gateway.Host.PublicUrl;

        var twoAuthorizations = await RawHttp.SendAsync(url, "POST", "/v1/chat/completions", [("Authorization", "Bearer " + _key), ("Authorization", "Bearer " + wideKey)], body);
        var narrowHeaderWideBearer = await RawHttp.SendAsync(url, "POST", "/v1/chat/completions", [("x-api-key", _key), ("Authorization", "Bearer " + wideKey)], body);
        var keyPlusBadBearer = await RawHttp.SendAsync(url, "POST", "/v1/chat/completions", [("x-api-key", wideKey), ("Authorization", "Bearer aigis_bad")], body);
        var twoApiKeys = await RawHttp.SendAsync(url, "POST", "/v1/chat/completions", [("x-api-key", _key), ("x-api-key", wideKey)], body);

        Assert.Equal(401, twoAuthorizations.Status);
        Assert.Equal(401, narrowHeaderWideBearer.Status);
        Assert.Equal(401, keyPlusBadBearer.Status);
        Assert.Equal(401, twoApiKeys.Status);
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task A_user_key_on_the_admin_api_is_refused()
    {
        using var asUser = new HttpClient { BaseAddress = _gateway.Admin.BaseAddress };
        asUser.DefaultRequestHeaders.Add("x-api-key", _key);

        var tenants = await asUser.GetAsync("/admin/v1/tenants");
        var widen = await asUser.PatchAsync("/admin/v1/tenants/narrow", Json.Body("""{"models":["*"]}"""));

        Assert.Equal(HttpStatusCode.Forbidden, tenants.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, widen.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ChatAsync("secret-model")).StatusCode);
    }

    [Fact]
    public async Task Grants_change_with_the_tenant_on_the_next_request_and_refusals_are_audited()
    {
        var before = await ChatAsync("secret-model");
        var widened = await TenantsApi.UpdateAsync(_gateway.AdminApi, "narrow", """{"models":["*"]}""");
        var after = await ChatAsync("secret-model");
        var audit = await Json.ReadAsync(await _gateway.AdminApi.GetAsync("/admin/v1/audit"));

        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        Assert.Equal(HttpStatusCode.OK, widened.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var refusal = Assert.Single(audit.GetProperty("data").EnumerateArray(), e => e.GetProperty("action").GetString() == "access.refused");
        Assert.Equal(_key[6..14], refusal.GetProperty("actor").GetString());
        Assert.Equal("narrow", refusal.GetProperty("subject").GetString());
        Assert.Equal("model_not_allowed", refusal.GetProperty("reason").GetString());
        Assert.Equal("public POST /v1/chat/completions model=secret-model", refusal.GetProperty("detail").GetString());
    }

    private async Task<HttpResponseMessage> ChatAsync(string model) =>
        await _client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}"""));

    private void AssertNothingForbiddenReached()
    {
        foreach (var request in _upstream.Received)
        {
            Assert.DoesNotContain("secret", request.Path, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("secret-model", System.Text.Encoding.UTF8.GetString(request.Body), StringComparison.Ordinal);
        }
    }

    // Everything but the name asked for, which the answer echoes.
    private static string Strip(string body, string name) =>
        System.Text.RegularExpressions.Regex.Replace(body.Replace(name, "NAME", StringComparison.Ordinal), "\"x-request-id\"[^,}]*", "");
}

using System.Net;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using static Aigis.Tests.Identity.KeysApi;

namespace Aigis.Tests.Identity;

/// <summary>API keys on the public listener, end to end: real Kestrel, a real SQLite file, injected time.</summary>
public sealed class AuthenticationTests
{
    private const string AuthRequired = "  auth: required";

    [Fact]
    public async Task A_request_without_a_key_is_refused_with_missing_api_key()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);

        var response = await ChatAsync(gateway.Public);
        var (code, _) = await Json.ErrorAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("missing_api_key", code);
        Assert.Equal("Bearer realm=\"aigis\"", response.Headers.WwwAuthenticate.ToString());
        Assert.True(response.Headers.Contains("x-request-id"));
        Assert.Empty(upstream.Received);
    }

    [Fact]
    public async Task A_valid_key_passes_as_bearer_or_x_api_key_and_never_reaches_the_upstream()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);
        var (_, key) = await CreateAsync(gateway.AdminApi, "svc");

        var bearer = await ChatAsync(gateway.Public, Bearer(key));
        var header = await ChatAsync(gateway.Public, ("x-api-key", key));
        var both = await ChatAsync(gateway.Public, Bearer(key), ("x-api-key", key));
        var models = await gateway.PublicWithKey(key).GetAsync("/v1/models");

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, header.StatusCode);
        Assert.Equal(HttpStatusCode.OK, both.StatusCode);
        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Equal(3, upstream.Received.Count);
        Assert.All(upstream.Received, r =>
        {
            Assert.False(r.Headers.ContainsKey("authorization"));
            Assert.False(r.Headers.ContainsKey("x-api-key"));
        });
    }

    [Theory]
    [InlineData("aigis_nope")]
    [InlineData("not-even-close")]
    [InlineData("sk-proj-0123456789")]
    [InlineData("aigis_ABCDEFGH_0123456789012345678901234567890123456789012")]
    public async Task Malformed_and_unknown_keys_are_refused_as_invalid(string presented)
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);

        var response = await ChatAsync(gateway.Public, Bearer(presented));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_api_key", (await Json.ErrorAsync(response)).Code);
    }

    [Fact]
    public async Task A_known_id_with_a_wrong_secret_looks_exactly_like_an_unknown_id()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);
        var (id, key) = await CreateAsync(gateway.AdminApi, "svc");
        var wrongSecret = key[..^4] + (key[^4..] == "AAAA" ? "BBBB" : "AAAA");
        var unknownId = "aigis_" + (id == "ZZZZZZZZ" ? "YYYYYYYY" : "ZZZZZZZZ") + key[(6 + id.Length)..];

        var known = await ChatAsync(gateway.Public, Bearer(wrongSecret));
        var unknown = await ChatAsync(gateway.Public, Bearer(unknownId));

        Assert.Equal(HttpStatusCode.Unauthorized, known.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        Assert.Equal(await Json.ErrorAsync(unknown), await Json.ErrorAsync(known));
    }

    [Fact]
    public async Task An_expiring_key_works_until_its_expiry_and_is_refused_from_that_instant()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream, time);
        var (_, key) = await CreateAsync(gateway.AdminApi, "short-lived", expiresIn: "1h");

        time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromMilliseconds(1));
        var justBefore = await ChatAsync(gateway.Public, Bearer(key));
        time.Advance(TimeSpan.FromMilliseconds(1));
        var atExpiry = await ChatAsync(gateway.Public, Bearer(key));

        Assert.Equal(HttpStatusCode.OK, justBefore.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, atExpiry.StatusCode);
        Assert.Equal("expired_api_key", (await Json.ErrorAsync(atExpiry)).Code);
    }

    [Fact]
    public async Task Revocation_takes_effect_on_the_next_request()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);
        var (id, key) = await CreateAsync(gateway.AdminApi, "svc");

        // The first request puts the key in the cache; revocation must not wait for it to expire there.
        var before = await ChatAsync(gateway.Public, Bearer(key));
        await RevokeAsync(gateway.AdminApi, id);
        var after = await ChatAsync(gateway.Public, Bearer(key));

        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("revoked_api_key", (await Json.ErrorAsync(after)).Code);
    }

    [Fact]
    public async Task Rotation_keeps_the_old_key_valid_for_the_overlap_only()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream, time);
        var (oldId, oldKey) = await CreateAsync(gateway.AdminApi, "svc", tenant: "acme");
        Assert.Equal(HttpStatusCode.OK, (await ChatAsync(gateway.Public, Bearer(oldKey))).StatusCode);

        var (newId, newKey, old) = await RotateAsync(gateway.AdminApi, oldId, "10m");
        time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMilliseconds(1));
        var oldDuringOverlap = await ChatAsync(gateway.Public, Bearer(oldKey));
        var newDuringOverlap = await ChatAsync(gateway.Public, Bearer(newKey));
        time.Advance(TimeSpan.FromMilliseconds(1));
        var oldAfter = await ChatAsync(gateway.Public, Bearer(oldKey));
        var newAfter = await ChatAsync(gateway.Public, Bearer(newKey));
        var newRecord = await Json.ReadAsync(await gateway.AdminApi.GetAsync($"/admin/v1/keys/{newId}"));

        Assert.NotEqual(oldId, newId);
        Assert.Equal(newId, old.GetProperty("replaced_by").GetString());
        Assert.Equal("rotating", old.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, oldDuringOverlap.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newDuringOverlap.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfter.StatusCode);
        var (code, message) = await Json.ErrorAsync(oldAfter);
        Assert.Equal("expired_api_key", code);
        Assert.Contains("rotated", message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, newAfter.StatusCode);
        Assert.Equal("acme", newRecord.GetProperty("tenant").GetString());
        Assert.Equal(oldId, newRecord.GetProperty("replaces").GetString());
    }

    [Fact]
    public async Task A_key_cannot_be_rotated_twice_or_after_revocation()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);
        var (rotatedId, _) = await CreateAsync(gateway.AdminApi, "a");
        var (revokedId, _) = await CreateAsync(gateway.AdminApi, "b");
        await RotateAsync(gateway.AdminApi, rotatedId, "1h");
        await RevokeAsync(gateway.AdminApi, revokedId);

        var again = await gateway.AdminApi.PostAsync($"/admin/v1/keys/{rotatedId}/rotate", Json.Body("{}"));
        var revoked = await gateway.AdminApi.PostAsync($"/admin/v1/keys/{revokedId}/rotate", null);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("key_not_rotatable", (await Json.ErrorAsync(again)).Code);
        Assert.Equal(HttpStatusCode.Conflict, revoked.StatusCode);
    }

    public static TheoryData<string, (string, string)[]> HeaderTricks(string key) => new()
    {
        { "two Authorization headers", [("Authorization", "Bearer " + key), ("Authorization", "Bearer aigis_other")] },
        { "a good bearer and a bad x-api-key", [("Authorization", "Bearer " + key), ("x-api-key", "aigis_bad")] },
        { "a bad bearer and a good x-api-key", [("Authorization", "Bearer aigis_bad"), ("x-api-key", key)] },
        { "two x-api-key headers", [("x-api-key", key), ("x-api-key", key)] },
        { "Basic next to a good x-api-key", [("Authorization", "Basic dXNlcjpwYXNz"), ("x-api-key", key)] },
    };

    [Fact]
    public async Task Header_tricks_with_a_valid_key_are_all_refused()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);
        var (_, key) = await CreateAsync(gateway.AdminApi, "svc");

        foreach (var (description, headers) in HeaderTricks(key).Select(row => ((string)row[0], ((string, string)[])row[1])))
        {
            var (status, response) = await RawHttp.SendAsync(gateway.Public.BaseAddress!, "POST", "/v1/chat/completions", headers, """{"model":"m"}""");

            Assert.True(status == 401, $"{description}: {status}");
            Assert.Contains("\"code\":\"ambiguous_credentials\"", response, StringComparison.Ordinal);
        }

        // Folded into one line by a client or proxy, two bearers are one malformed credential.
        var folded = await ChatAsync(gateway.Public, ("Authorization", $"Bearer {key}, Bearer {key}"));

        Assert.Equal(HttpStatusCode.Unauthorized, folded.StatusCode);
        Assert.Empty(upstream.Received);
    }

    [Theory]
    [InlineData("/admin/v1/keys")]
    [InlineData("//admin/v1/keys")]
    [InlineData("/ADMIN/v1/keys")]
    [InlineData("/v1/../admin/v1/keys")]
    [InlineData("/v1/%2E%2E/admin/v1/keys")]
    [InlineData("/admin%2Fv1%2Fkeys")]
    [InlineData("/healthz")]
    public async Task Admin_paths_on_the_public_listener_are_not_found_even_with_an_admin_key(string path)
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await StartAsync(upstream);
        // Sent as written: HttpClient would resolve the dot segments and the doubled slash before sending.
        var (withKey, _) = await RawHttp.SendAsync(gateway.Public.BaseAddress!, "GET", path, [("Authorization", "Bearer " + gateway.AdminKey)]);
        var (anonymous, _) = await RawHttp.SendAsync(gateway.Public.BaseAddress!, "GET", path, []);

        // A dot-dot segment (plain or encoded) is refused by intrusion detection before routing; a plain miss is a 404.
        Assert.Equal(path.Contains("..", StringComparison.Ordinal) || path.Contains("%2E", StringComparison.Ordinal) ? 403 : 404, withKey);
        Assert.Equal(401, anonymous);
    }

    [Fact]
    public async Task With_auth_disabled_the_public_listener_serves_anyone_and_passes_headers_on()
    {
        await using var upstream = await TestUpstream.StartAsync("chat");
        await using var gateway = await GatewayUnderTest.StartAsync(Services(upstream), "  auth: disabled");

        var response = await ChatAsync(gateway.Public, ("Authorization", "Bearer upstream-token"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer upstream-token", Assert.Single(upstream.Received).Headers["authorization"]);
    }

    internal static Task<GatewayUnderTest> StartAsync(TestUpstream upstream, TimeProvider? time = null) =>
        GatewayUnderTest.StartAsync(Services(upstream), new AigisHostOptions { TimeProvider = time ?? TimeProvider.System }, AuthRequired);

    internal static string Services(TestUpstream upstream) => $"  - {{name: chat, kind: llm, models: [m], instances: [\"{upstream.Url}\"]}}";
}

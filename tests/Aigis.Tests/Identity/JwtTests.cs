using System.Net;
using System.Security.Cryptography;
using System.Text;
using Aigis.Hosting;
using Aigis.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using static Aigis.Tests.Identity.KeysApi;

namespace Aigis.Tests.Identity;

/// <summary>JWT bearer tokens on the public listener: HS256 with a secret file, RS256 with a JWKS file, injected time.</summary>
public sealed class JwtTests : IAsyncLifetime
{
    private const string Issuer = "https://idp.example.test";
    private const string Audience = "aigis";
    private static readonly DateTimeOffset s_now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly byte[] s_secret = Encoding.ASCII.GetBytes("a-test-only-secret-of-at-least-32-bytes!");
    private readonly FakeTimeProvider _time = new(s_now);
    private readonly string _directory = Directory.CreateTempSubdirectory("aigis-jwt-").FullName;
    private readonly RSA _rsa = RSA.Create(2048);
    private TestUpstream _upstream = null!;
    private GatewayUnderTest _gateway = null!;

    public async Task InitializeAsync()
    {
        var secretFile = Path.Combine(_directory, "secret");
        await File.WriteAllBytesAsync(secretFile, s_secret);
        _upstream = await TestUpstream.StartAsync("chat");
        _gateway = await GatewayUnderTest.StartAsync(
            $"  - {{name: chat, kind: llm, models: [m, other], instances: [\"{_upstream.Url}\"]}}\njwt:\n  issuer: {Issuer}\n  audience: {Audience}\n  secretFile: \"{secretFile}\"\n  clockSkew: 30s",
            new AigisHostOptions { TimeProvider = _time }, "  auth: required");
        Assert.Equal(HttpStatusCode.Created, (await TenantsApi.CreateAsync(_gateway.AdminApi, "acme", """{"models":["m"]}""")).StatusCode);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
        _rsa.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_valid_token_is_the_tenant_it_names_and_holds_to_its_grants()
    {
        var token = Token();

        var allowed = await ChatAsync(token, "m");
        var forbidden = await ChatAsync(token, "other");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, forbidden.StatusCode);
        Assert.DoesNotContain(_upstream.Received, r => r.Headers.ContainsKey("authorization"));
    }

    [Fact]
    public async Task Expiry_is_judged_on_the_injected_clock_with_the_bounded_skew()
    {
        var token = Token(expires: s_now.AddMinutes(5));

        var fresh = await ChatAsync(token, "m");
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(29));
        var withinSkew = await ChatAsync(token, "m");
        _time.Advance(TimeSpan.FromSeconds(2));
        var expired = await ChatAsync(token, "m");

        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withinSkew.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("expired_token", (await Json.ErrorAsync(expired)).Code);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "wrong issuer", "invalid_token" },
        { "wrong audience", "invalid_token" },
        { "bad signature", "invalid_token" },
        { "alg none", "invalid_token" },
        { "no exp", "invalid_token" },
        { "not yet valid", "invalid_token" },
        { "unknown tenant", "invalid_token" },
        { "missing tenant claim", "missing_tenant_claim" },
        { "garbage", "invalid_token" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_tokens_are_refused_with_401_and_audited_without_the_token(string kind, string code)
    {
        var token = kind switch
        {
            "wrong issuer" => Token(issuer: "https://evil.example.test"),
            "wrong audience" => Token(audience: "someone-else"),
            "bad signature" => Token(secret: Encoding.ASCII.GetBytes("another-secret-that-is-32-bytes-long!!")),
            "alg none" => Unsigned(),
            "no exp" => Token(noExpiry: true),
            "not yet valid" => Token(notBefore: s_now.AddMinutes(10)),
            "unknown tenant" => Token(tenant: "nobody"),
            "missing tenant claim" => Token(tenant: null),
            _ => "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln",
        };

        var response = await ChatAsync(token, "m");
        var audit = await _gateway.AdminApi.GetStringAsync("/admin/v1/audit");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(code, (await Json.ErrorAsync(response)).Code);
        Assert.Contains(code, audit, StringComparison.Ordinal);
        Assert.DoesNotContain(token, audit, StringComparison.Ordinal);
        if (token.Split('.')[2] is { Length: > 0 } signature)
        {
            Assert.DoesNotContain(signature, audit, StringComparison.Ordinal);
        }
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task An_api_key_still_works_beside_tokens_and_is_told_apart_by_shape()
    {
        var (_, key) = await CreateAsync(_gateway.AdminApi, "k", tenant: "acme");

        var byKey = await ChatAsync(key, "m");
        var keyShapedJunk = await ChatAsync("aigis_" + Token(), "m");

        Assert.Equal(HttpStatusCode.OK, byKey.StatusCode);
        Assert.Equal("invalid_api_key", (await Json.ErrorAsync(keyShapedJunk)).Code);
    }

    [Fact]
    public async Task A_user_token_cannot_use_the_admin_api_and_an_admin_claim_is_capped_by_the_tenant()
    {
        using var asAdminClaim = new HttpClient { BaseAddress = _gateway.Admin.BaseAddress };
        asAdminClaim.DefaultRequestHeaders.Authorization = new("Bearer", Token(role: "admin"));
        using var asDefaultAdmin = new HttpClient { BaseAddress = _gateway.Admin.BaseAddress };
        asDefaultAdmin.DefaultRequestHeaders.Authorization = new("Bearer", Token(role: "admin", tenant: "default"));

        Assert.Equal(HttpStatusCode.Forbidden, (await asAdminClaim.GetAsync("/admin/v1/keys")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await asDefaultAdmin.GetAsync("/admin/v1/keys")).StatusCode);
    }

    [Fact]
    public async Task Rs256_tokens_are_checked_against_a_jwks_file()
    {
        var jwks = Path.Combine(_directory, "jwks.json");
        var publicKey = new RsaSecurityKey(_rsa.ExportParameters(false)) { KeyId = "k1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(publicKey);
        await File.WriteAllTextAsync(jwks, $$"""{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""");
        await using var gateway = await GatewayUnderTest.StartAsync(
            $"  - {{name: chat, kind: llm, models: [m], instances: [\"{_upstream.Url}\"]}}\njwt:\n  issuer: {Issuer}\n  audience: {Audience}\n  jwksFile: \"{jwks}\"",
            new AigisHostOptions { TimeProvider = _time }, "  auth: required");
        var signing = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256);
        var other = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256);
        using var good = gateway.PublicWithKey(Token(credentials: signing, tenant: "default"));
        using var forged = gateway.PublicWithKey(Token(credentials: other, tenant: "default"));
        using var hmacWithPublicKey = gateway.PublicWithKey(Token(secret: Encoding.ASCII.GetBytes(jwk.N), tenant: "default"));

        Assert.Equal(HttpStatusCode.OK, (await good.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hmacWithPublicKey.PostAsync("/v1/chat/completions", Json.Body("""{"model":"m"}"""))).StatusCode);
    }

    private async Task<HttpResponseMessage> ChatAsync(string token, string model)
    {
        using var client = _gateway.PublicWithKey(token);
        return await client.PostAsync("/v1/chat/completions", Json.Body($$"""{"model":"{{model}}","messages":[]}"""));
    }

    private static string Token(
        string issuer = Issuer, string audience = Audience, string? tenant = "acme", string? role = null,
        DateTimeOffset? expires = null, DateTimeOffset? notBefore = null, byte[]? secret = null, SigningCredentials? credentials = null, bool noExpiry = false)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "alice" };
        if (tenant is not null)
        {
            claims["tenant"] = tenant;
        }

        if (role is not null)
        {
            claims["role"] = role;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = s_now.UtcDateTime,
            NotBefore = (notBefore ?? s_now.AddMinutes(-1)).UtcDateTime,
            SigningCredentials = credentials ?? new SigningCredentials(new SymmetricSecurityKey(secret ?? s_secret), SecurityAlgorithms.HmacSha256),
        };
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        if (!noExpiry)
        {
            descriptor.Expires = (expires ?? s_now.AddHours(1)).UtcDateTime;
        }

        return handler.CreateToken(descriptor);
    }

    private static string Unsigned()
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = s_now.AddHours(1).ToUnixTimeSeconds();
        return $$"""{{Part("""{"alg":"none","typ":"JWT"}""")}}.{{Part($$"""{"sub":"alice","tenant":"acme","iss":"{{Issuer}}","aud":"{{Audience}}","exp":{{exp}}}""")}}.""";
    }
}

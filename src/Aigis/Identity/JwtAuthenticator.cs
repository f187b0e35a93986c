using Aigis.Core.Configuration;
using Aigis.Core.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Aigis.Identity;

/// <summary>
/// Checks a JWT bearer token: signature (HS256 with the configured secret, or a key of the JWKS file; never
/// <c>alg: none</c>), issuer, audience, then lifetime on the injected clock with the configured bounded skew,
/// then the tenant claim (required, and the tenant must exist) and the role claim (at most the tenant's role).
/// </summary>
/// <remarks>
/// Lifetime is checked here rather than by the library, whose check reads the system clock: with
/// <see cref="TimeProvider"/> the expiry and skew are tested with injected time like everything else. A token
/// must carry <c>exp</c>: one that never expires is refused, as a leaked one could never be taken back.
/// </remarks>
internal sealed class JwtAuthenticator
{
    private const int MaxTokenLength = 16 * 1024;

    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters _parameters;
    private readonly JwtConfig _config;
    private readonly TenantDirectory _tenants;
    private readonly TimeProvider _timeProvider;

    public JwtAuthenticator(JwtConfig config, TenantDirectory tenants, TimeProvider timeProvider)
    {
        _config = config;
        _tenants = tenants;
        _timeProvider = timeProvider;
        IReadOnlyList<SecurityKey> keys;
        string[] algorithms;
        try
        {
            (keys, algorithms) = LoadKeys(config);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            // A startup failure with a message for the user; the file's content is never quoted (it may be the secret).
            throw new JwtConfigException($"jwt: cannot read {config.SecretFile ?? config.JwksFile}: {e.GetType().Name}", e);
        }

        _parameters = new TokenValidationParameters
        {
            ValidIssuer = config.Issuer,
            ValidAudience = config.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            IssuerSigningKeys = keys,
            ValidAlgorithms = algorithms,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            TryAllIssuerSigningKeys = true,
        };
    }

    /// <summary>A JWT has three base64url parts separated by dots and, being JSON, a header starting <c>eyJ</c>.</summary>
    public static bool LooksLikeJwt(string credential) =>
        credential.StartsWith("eyJ", StringComparison.Ordinal) && credential.AsSpan().Count('.') == 2;

    public async ValueTask<AuthResult> AuthenticateAsync(string token)
    {
        if (token.Length > MaxTokenLength)
        {
            return AuthResult.Fail(AuthFailure.InvalidToken);
        }

        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (!result.IsValid || result.SecurityToken is not JsonWebToken jwt)
        {
            return AuthResult.Fail(AuthFailure.InvalidToken);
        }

        var now = _timeProvider.GetUtcNow().UtcDateTime;
        if (!jwt.TryGetPayloadValue<long>("exp", out _) || now > jwt.ValidTo + _config.ClockSkew)
        {
            return AuthResult.Fail(jwt.TryGetPayloadValue<long>("exp", out _) ? AuthFailure.ExpiredToken : AuthFailure.InvalidToken);
        }

        if (jwt.TryGetPayloadValue<long>("nbf", out _) && now + _config.ClockSkew < jwt.ValidFrom)
        {
            return AuthResult.Fail(AuthFailure.InvalidToken);
        }

        if (!jwt.TryGetPayloadValue<string>(_config.TenantClaim, out var tenantName) || string.IsNullOrEmpty(tenantName))
        {
            return AuthResult.Fail(AuthFailure.TokenWithoutTenant);
        }

        if (_tenants.Definition(tenantName) is not { } tenant)
        {
            return AuthResult.Fail(AuthFailure.InvalidToken);
        }

        var role = jwt.TryGetPayloadValue<string>(_config.RoleClaim, out var roleText) && roleText == KeyRoles.Admin && tenant.Role == KeyRole.Admin
            ? KeyRole.Admin
            : KeyRole.User;
        var subject = jwt.Subject is { Length: > 0 } sub ? (sub.Length <= 64 ? sub : sub[..64]) : "unknown";
        var identity = new CallerIdentity("jwt:" + subject, subject, tenant.Name, role, tenant.Priority);
        return new AuthResult(identity, AuthFailure.None, identity.KeyId);
    }

    private static (IReadOnlyList<SecurityKey> Keys, string[] Algorithms) LoadKeys(JwtConfig config)
    {
        if (config.SecretFile is { } secretFile)
        {
            var secret = File.ReadAllBytes(secretFile).AsSpan().Trim("\r\n "u8).ToArray();
            if (secret.Length < 32)
            {
                throw new JwtConfigException($"jwt.secretFile {secretFile}: an HS256 secret needs at least 32 bytes, it has {secret.Length}");
            }

            return ([new SymmetricSecurityKey(secret)], [SecurityAlgorithms.HmacSha256]);
        }

        var set = new JsonWebKeySet(File.ReadAllText(config.JwksFile!));
        var keys = set.GetSigningKeys();
        if (keys.Count == 0)
        {
            throw new JwtConfigException($"jwt.jwksFile {config.JwksFile}: the key set has no signing key");
        }

        return (keys.ToArray(), [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256]);
    }
}

/// <summary>The <c>jwt</c> section names a key file that cannot be used; a startup failure with a message for the user.</summary>
internal sealed class JwtConfigException : Exception
{
    public JwtConfigException()
    {
    }

    public JwtConfigException(string message)
        : base(message)
    {
    }

    public JwtConfigException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Aigis.Core.Configuration;

/// <summary>
/// The <c>jwt</c> section: bearer tokens from an identity provider, accepted beside API keys (told apart by
/// shape: keys start <c>aigis_</c>). Signed with HS256 by a shared secret read from <see cref="SecretFile"/>,
/// or with RS256/ES256 by a key in the JWKS file <see cref="JwksFile"/>; exactly one of the two. Needs a
/// restart to change. Null when the section is absent: only API keys are accepted.
/// </summary>
public sealed record JwtConfig
{
    public static readonly TimeSpan DefaultClockSkew = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public required string Issuer { get; init; }

    public required string Audience { get; init; }

    /// <summary>A file holding the HS256 secret (at least 32 bytes), so the secret is never in the config.</summary>
    public string? SecretFile { get; init; }

    /// <summary>A JSON Web Key Set file with the public keys that sign tokens.</summary>
    public string? JwksFile { get; init; }

    /// <summary>How far <c>exp</c> and <c>nbf</c> may be off the gateway's clock; at most <see cref="MaxClockSkew"/>.</summary>
    public TimeSpan ClockSkew { get; init; } = DefaultClockSkew;

    /// <summary>The claim naming the caller's tenant; a token without it is refused.</summary>
    public string TenantClaim { get; init; } = "tenant";

    /// <summary>The claim naming the caller's role (<c>user</c> or <c>admin</c>); absent: user.</summary>
    public string RoleClaim { get; init; } = "role";
}

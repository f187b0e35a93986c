using YamlDotNet.RepresentationModel;

namespace Aigis.Core.Configuration.Yaml;

/// <summary>Binds the <c>jwt</c> section; see <see cref="JwtConfig"/>.</summary>
internal static class JwtSectionBinder
{
    public static readonly string[] Keys = ["issuer", "audience", "secretFile", "jwksFile", "clockSkew", "tenantClaim", "roleClaim"];

    public static JwtConfig? Bind(YamlNode node, ConfigReadContext context)
    {
        if (context.Mapping(node, "jwt") is not { } map)
        {
            return null;
        }

        string? issuer = null, audience = null, secretFile = null, jwksFile = null, tenantClaim = null, roleClaim = null;
        TimeSpan? skew = null;
        foreach (var (key, value) in context.Entries(map, "jwt", Keys))
        {
            switch (key)
            {
                case "issuer": issuer = context.Scalar(value, "jwt.issuer"); break;
                case "audience": audience = context.Scalar(value, "jwt.audience"); break;
                case "secretFile": secretFile = context.Scalar(value, "jwt.secretFile"); break;
                case "jwksFile": jwksFile = context.Scalar(value, "jwt.jwksFile"); break;
                case "clockSkew": skew = context.Duration(value, "jwt.clockSkew", TimeSpan.Zero, JwtConfig.MaxClockSkew); break;
                case "tenantClaim": tenantClaim = context.Scalar(value, "jwt.tenantClaim"); break;
                default: roleClaim = context.Scalar(value, "jwt.roleClaim"); break;
            }
        }

        if (string.IsNullOrWhiteSpace(issuer) || string.IsNullOrWhiteSpace(audience))
        {
            context.Error(node, "jwt: issuer and audience are both required; a token is accepted only from the issuer, for this audience");
            return null;
        }

        if ((secretFile is null) == (jwksFile is null))
        {
            context.Error(node, "jwt: give exactly one of secretFile (HS256 shared secret) or jwksFile (public keys)");
            return null;
        }

        return new JwtConfig
        {
            Issuer = issuer,
            Audience = audience,
            SecretFile = secretFile,
            JwksFile = jwksFile,
            ClockSkew = skew ?? JwtConfig.DefaultClockSkew,
            TenantClaim = string.IsNullOrWhiteSpace(tenantClaim) ? "tenant" : tenantClaim,
            RoleClaim = string.IsNullOrWhiteSpace(roleClaim) ? "role" : roleClaim,
        };
    }
}

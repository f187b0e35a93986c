using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Aigis.Identity;

/// <summary>
/// Finds the one credential a request carries: <c>Authorization: Bearer KEY</c> or <c>x-api-key: KEY</c>.
/// </summary>
/// <remarks>
/// Anything that leaves doubt about which credential is meant is refused, not resolved: a header sent twice,
/// a bearer and a different <c>x-api-key</c>, or another Authorization scheme next to an <c>x-api-key</c>.
/// A proxy in front that adds or keeps a header must not make the gateway pick the attacker's one.
/// </remarks>
internal static class CredentialReader
{
    public const string ApiKeyHeader = "x-api-key";
    private const string BearerScheme = "Bearer ";

    public static AuthFailure TryRead(IHeaderDictionary headers, out string? credential)
    {
        credential = null;
        var authorization = headers.Authorization;
        var apiKey = headers[ApiKeyHeader];
        if (authorization.Count > 1 || apiKey.Count > 1)
        {
            return AuthFailure.Ambiguous;
        }

        string? bearer = null;
        if (authorization.Count == 1)
        {
            var value = authorization[0] ?? "";
            if (!value.StartsWith(BearerScheme, StringComparison.OrdinalIgnoreCase))
            {
                // Basic, Digest, a bare key: not ours to interpret. With an x-api-key too it is two credentials.
                return StringValues.IsNullOrEmpty(apiKey) ? AuthFailure.Invalid : AuthFailure.Ambiguous;
            }

            bearer = value.AsSpan(BearerScheme.Length).Trim().ToString();
        }

        var header = apiKey.Count == 1 ? apiKey[0]?.Trim() : null;
        if (bearer is not null && header is not null && !string.Equals(bearer, header, StringComparison.Ordinal))
        {
            return AuthFailure.Ambiguous;
        }

        credential = bearer ?? header;
        if (credential is null)
        {
            return AuthFailure.Missing;
        }

        return credential.Length == 0 ? AuthFailure.Invalid : AuthFailure.None;
    }
}

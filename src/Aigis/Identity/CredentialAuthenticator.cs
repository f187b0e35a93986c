namespace Aigis.Identity;

/// <summary>
/// Tells an API key from a JWT by shape (keys start <c>aigis_</c>; a JWT is three base64url parts with a JSON
/// header) and checks it with the right authenticator. Without a <c>jwt</c> section every credential is read as a key.
/// </summary>
internal sealed class CredentialAuthenticator(ApiKeyAuthenticator keys, JwtAuthenticator? jwt)
{
    public ValueTask<AuthResult> AuthenticateAsync(string credential, CancellationToken cancellationToken) =>
        jwt is not null && !credential.StartsWith(Core.Identity.ApiKeyFormat.Scheme, StringComparison.Ordinal) && JwtAuthenticator.LooksLikeJwt(credential)
            ? jwt.AuthenticateAsync(credential)
            : keys.AuthenticateAsync(credential, cancellationToken);
}

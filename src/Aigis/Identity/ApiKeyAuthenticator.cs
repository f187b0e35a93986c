using System.Data.Common;
using Aigis.Core.Identity;
using Aigis.Store;

namespace Aigis.Identity;

/// <summary>
/// Checks a presented API key: shape, then the key with that id (from <see cref="ApiKeyCache"/>, else the store),
/// then its secret in constant time, then revocation and expiry.
/// </summary>
/// <remarks>
/// What a caller learns is limited to what the key it holds proves. Malformed text, an id that does not exist
/// and an existing id with a wrong secret all get the same <see cref="AuthFailure.Invalid"/>, and the secret is
/// hashed and compared in every case (against a dummy hash when there is no key), so neither the answer nor
/// its timing says whether an id exists. Only a caller who holds the whole key is told that it has expired or
/// been revoked, which helps the key's owner and tells a guesser nothing. Ids are not secret anyway (they are
/// listed by the admin API and written to the audit log); the 256-bit secret is what protects a key.
/// </remarks>
internal sealed class ApiKeyAuthenticator(IKeyStore store, ApiKeyCache cache, TimeProvider timeProvider)
{
    // Compared against when no key has the id, so that path costs the same hash and comparison.
    private static readonly byte[] s_noKeyHash = new byte[ApiKeyFormat.HashLength];

    /// <summary>Completes synchronously (no allocation) when the key is cached, which is every request after the first.</summary>
    public ValueTask<AuthResult> AuthenticateAsync(string credential, CancellationToken cancellationToken)
    {
        if (!ApiKeyFormat.TryGetPrefix(credential, out var prefix))
        {
            return new ValueTask<AuthResult>(AuthResult.Fail(AuthFailure.Invalid));
        }

        return cache.TryGet(prefix, out var entry)
            ? new ValueTask<AuthResult>(Evaluate(entry, credential))
            : LoadAndEvaluateAsync(prefix.ToString(), credential, cancellationToken);
    }

    private async ValueTask<AuthResult> LoadAndEvaluateAsync(string id, string credential, CancellationToken cancellationToken)
    {
        var generation = cache.Generation;
        StoredApiKey? key;
        try
        {
            key = await store.FindKeyAsync(id, cancellationToken);
        }
        catch (DbException)
        {
            // The store's failure is not the caller's: they get 503, and the next request tries again.
            return AuthResult.Fail(AuthFailure.StoreUnavailable);
        }

        return Evaluate(cache.Add(id, key, generation), credential);
    }

    private AuthResult Evaluate(CachedKey entry, string credential)
    {
        var key = entry.Key;
        if (!ApiKeyFormat.Matches(credential, key?.SecretHash ?? s_noKeyHash) || key is null)
        {
            // The id is recorded for the audit log (someone is guessing this key's secret), never shown to the caller.
            return new AuthResult(null, AuthFailure.Invalid, key?.Id);
        }

        return key.StatusAt(timeProvider.GetUtcNow()) switch
        {
            KeyStatus.Revoked => new AuthResult(null, AuthFailure.Revoked, key.Id),
            KeyStatus.Expired => new AuthResult(null, AuthFailure.Expired, key.Id, Rotated: key.ReplacedBy is not null),
            _ => new AuthResult(entry.Identity, AuthFailure.None, key.Id),
        };
    }
}

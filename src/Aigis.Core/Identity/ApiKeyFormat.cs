using System.Security.Cryptography;
using System.Text;

namespace Aigis.Core.Identity;

/// <summary>
/// The text of an API key: <c>aigis_</c>, an 8-character public prefix (the key's id, used to find it), an
/// underscore, and a 43-character secret, all base62 so a double-click selects the whole key.
/// </summary>
/// <remarks>
/// <para>
/// The secret is 43 characters drawn uniformly from 62 by <see cref="RandomNumberGenerator"/>: 43 x log2(62) =
/// 256.03 bits, the entropy of 32 random bytes. Randomness is deliberately not injectable here, unlike the
/// balancers' seeded randoms: a key must never be reproducible.
/// </para>
/// <para>
/// Only <see cref="Hash"/> of the whole key is stored. A single SHA-256 is enough because the input has 256
/// bits of entropy: there is no dictionary to try, so a slow password hash (bcrypt, Argon2) would add
/// milliseconds to every request and no security. Hashing the whole key, prefix included, binds the secret to
/// its id.
/// </para>
/// </remarks>
public static class ApiKeyFormat
{
    public const string Scheme = "aigis_";
    public const int PrefixLength = 8;
    public const int SecretLength = 43;
    public const int HashLength = 32;

    /// <summary>Length of every well-formed key: <c>aigis_</c> + prefix + <c>_</c> + secret.</summary>
    public const int Length = 6 + PrefixLength + 1 + SecretLength;

    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new random key. Only its <see cref="Hash"/> may be stored.</summary>
    public static NewApiKey Generate()
    {
        var prefix = RandomNumberGenerator.GetString(Alphabet, PrefixLength);
        var secret = RandomNumberGenerator.GetString(Alphabet, SecretLength);
        var key = string.Concat(Scheme, prefix, "_", secret);
        return new NewApiKey(prefix, key, Hash(key));
    }

    /// <summary>
    /// Reads the prefix out of a presented key, or says it is malformed. Checks shape only: length, scheme,
    /// separator and alphabet, so junk never reaches the store.
    /// </summary>
    public static bool TryGetPrefix(ReadOnlySpan<char> key, out ReadOnlySpan<char> prefix)
    {
        prefix = default;
        if (key.Length != Length || !key.StartsWith(Scheme, StringComparison.Ordinal) || key[Scheme.Length + PrefixLength] != '_')
        {
            return false;
        }

        var candidate = key.Slice(Scheme.Length, PrefixLength);
        if (!IsBase62(candidate) || !IsBase62(key[(Scheme.Length + PrefixLength + 1)..]))
        {
            return false;
        }

        prefix = candidate;
        return true;
    }

    /// <summary>True when <paramref name="id"/> could be a key's id (its prefix).</summary>
    public static bool IsId(ReadOnlySpan<char> id) => id.Length == PrefixLength && IsBase62(id);

    public static byte[] Hash(ReadOnlySpan<char> key)
    {
        var hash = new byte[HashLength];
        Hash(key, hash);
        return hash;
    }

    /// <summary>SHA-256 of the key's ASCII bytes into <paramref name="destination"/>, without allocating.</summary>
    public static void Hash(ReadOnlySpan<char> key, Span<byte> destination)
    {
        Span<byte> bytes = stackalloc byte[Length];
        var count = key.Length <= Length ? Encoding.ASCII.GetBytes(key, bytes) : 0;
        SHA256.HashData(bytes[..count], destination);
    }

    /// <summary>
    /// Whether <paramref name="key"/> hashes to <paramref name="storedHash"/>, in time that does not depend on
    /// where the hashes differ.
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> key, ReadOnlySpan<byte> storedHash)
    {
        Span<byte> hash = stackalloc byte[HashLength];
        Hash(key, hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    private static bool IsBase62(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A key just generated: its id (the prefix), the whole key to show once, and the hash to store.</summary>
public sealed record NewApiKey(string Id, string Key, byte[] Hash)
{
    // The record's generated ToString would print the key into any log line that formats it.
    public override string ToString() => $"NewApiKey {{ Id = {Id} }}";
}

using Aigis.Core.Identity;

namespace Aigis.Core.Tests.Identity;

public sealed class ApiKeyFormatTests
{
    [Fact]
    public void A_generated_key_has_the_scheme_its_id_and_a_256_bit_secret()
    {
        var key = ApiKeyFormat.Generate();

        Assert.Equal(ApiKeyFormat.Length, key.Key.Length);
        Assert.StartsWith("aigis_" + key.Id + "_", key.Key, StringComparison.Ordinal);
        Assert.True(ApiKeyFormat.TryGetPrefix(key.Key, out var prefix));
        Assert.Equal(key.Id, prefix.ToString());
        Assert.True(ApiKeyFormat.SecretLength * Math.Log2(62) >= 256);
        Assert.All(key.Key["aigis_".Length..].Replace("_", "", StringComparison.Ordinal), c => Assert.True(char.IsAsciiLetterOrDigit(c)));
    }

    [Fact]
    public void Keys_never_repeat()
    {
        var keys = Enumerable.Range(0, 2000).Select(_ => ApiKeyFormat.Generate()).ToArray();

        Assert.Equal(keys.Length, keys.Select(k => k.Key).Distinct().Count());
        Assert.Equal(keys.Length, keys.Select(k => k.Id).Distinct().Count());
    }

    [Fact]
    public void Only_the_hash_is_kept_and_it_matches_the_key_alone()
    {
        var key = ApiKeyFormat.Generate();
        var other = ApiKeyFormat.Generate();

        Assert.Equal(32, key.Hash.Length);
        Assert.True(ApiKeyFormat.Matches(key.Key, key.Hash));
        Assert.False(ApiKeyFormat.Matches(other.Key, key.Hash));

        // The same secret under another id does not match: the hash covers the id too.
        var swapped = "aigis_" + other.Id + key.Key[(6 + ApiKeyFormat.PrefixLength)..];
        Assert.False(ApiKeyFormat.Matches(swapped, key.Hash));
        Assert.DoesNotContain(key.Key, key.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sk-proj-abcdef")]
    [InlineData("aigis_")]
    [InlineData("aigis_ABCDEFGH_tooshort")]
    [InlineData("aigis_ABCDEFGH-0123456789012345678901234567890123456789012")]
    [InlineData("aigis_ABC+EFGH_0123456789012345678901234567890123456789012")]
    [InlineData("aigis_ABCDEFGH_012345678901234567890123456789012345678901/")]
    [InlineData("AIGIS_ABCDEFGH_0123456789012345678901234567890123456789012")]
    [InlineData("aigis_ABCDEFGH_01234567890123456789012345678901234567890123")]
    public void Malformed_keys_have_no_prefix(string text) => Assert.False(ApiKeyFormat.TryGetPrefix(text, out _));
}

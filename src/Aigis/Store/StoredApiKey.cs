using Aigis.Core.Identity;

namespace Aigis.Store;

/// <summary>An API key as the store keeps it: never the key itself, only its SHA-256 (see <see cref="ApiKeyFormat"/>).</summary>
internal sealed record StoredApiKey
{
    /// <summary>The key's public prefix, which is also its id in the admin API and the audit log.</summary>
    public required string Id { get; init; }

    public required byte[] SecretHash { get; init; }

    public required string Name { get; init; }

    public required string Tenant { get; init; }

    public required KeyRole Role { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>The key that replaced this one at rotation; this one stays valid until its <see cref="ExpiresAt"/>.</summary>
    public string? ReplacedBy { get; init; }

    /// <summary>The key this one replaced, when it was made by a rotation.</summary>
    public string? Replaces { get; init; }

    /// <summary>Who created it: an admin key's id, or <c>aigis</c> for the keys made at first start.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>The key's state at <paramref name="now"/>; expiry is reached at the instant itself (<c>&gt;=</c>).</summary>
    public KeyStatus StatusAt(DateTimeOffset now) =>
        RevokedAt is not null ? KeyStatus.Revoked
        : ExpiresAt is { } expires && now >= expires ? KeyStatus.Expired
        : ReplacedBy is not null ? KeyStatus.Rotating
        : KeyStatus.Active;
}

internal enum KeyStatus
{
    Active,

    /// <summary>Replaced by a rotation, still valid until its overlap ends.</summary>
    Rotating,
    Expired,
    Revoked,
}

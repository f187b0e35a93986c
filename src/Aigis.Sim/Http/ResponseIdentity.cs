namespace Aigis.Sim.Http;

/// <summary>The id and creation time shared by every chunk of one response.</summary>
internal readonly record struct ResponseIdentity(string Id, long Created)
{
    public static ResponseIdentity New(string prefix, TimeProvider timeProvider) =>
        new($"{prefix}{Guid.NewGuid():N}", timeProvider.GetUtcNow().ToUnixTimeSeconds());
}

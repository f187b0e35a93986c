using System.Net;

namespace Aigis.Core.Security.Bans;

/// <summary>What an address did that counts toward a ban.</summary>
public enum Offense
{
    /// <summary>A request refused by intrusion detection.</summary>
    IdsBlock,

    /// <summary>A 401: no key, or a wrong one.</summary>
    AuthFailure,

    /// <summary>Any 4xx answer (a scan of unknown paths, a burst of bad requests).</summary>
    ClientError,
}

/// <summary>A ban on one address until <see cref="Until"/>; <see cref="Count"/> is how many times it has been banned (it grows the next ban).</summary>
public sealed record BanEntry(IPAddress Address, DateTimeOffset Since, DateTimeOffset Until, int Count, Offense Reason);

/// <summary>
/// The bans of one gateway, and the offence counts that lead to them. In memory by default; a shared store
/// (Redis) implements the same interface for gateway replicas that must agree.
/// </summary>
public interface IBanList
{
    /// <summary>True (with the ban) when <paramref name="address"/> is banned now.</summary>
    bool IsBanned(IPAddress address, out BanEntry? ban);

    /// <summary>Counts an offence; returns the ban it caused, or null when the address is still under every limit.</summary>
    BanEntry? Record(IPAddress address, Offense offense);

    /// <summary>The bans in force, soonest to end first.</summary>
    IReadOnlyList<BanEntry> Active();

    int ActiveCount { get; }

    /// <summary>Lifts the ban on <paramref name="address"/> (its history of bans is kept); false when it was not banned.</summary>
    bool Lift(IPAddress address);
}

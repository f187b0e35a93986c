using Aigis.Sim.Output;

namespace Aigis.Sim.Faults;

/// <summary>Seeded draws in [0, 1): the n-th draw for a seed is always the same.</summary>
/// <remarks>
/// Draw n is the n-th output of <see cref="SplitMix64"/> from the seed, computed directly from n, so
/// concurrent requests need no lock and a run replays exactly. System.Random is neither thread-safe
/// nor promised to give the same sequence across .NET versions.
/// </remarks>
internal sealed class FaultDice
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;

    // Keeps fault draws independent of the generated outputs, which use the seed as it is.
    private const ulong FaultStream = 0xFA17_FA17_FA17_FA17;

    private readonly ulong _seed;

    public FaultDice(long seed) => _seed = unchecked((ulong)seed) ^ FaultStream;

    /// <summary>Draw number <paramref name="n"/> (from 1).</summary>
    public double Draw(long n)
    {
        var random = new SplitMix64(unchecked(_seed + ((ulong)(n - 1) * Gamma)));
        return (random.NextUInt64() >> 11) * (1.0 / (1UL << 53));
    }
}

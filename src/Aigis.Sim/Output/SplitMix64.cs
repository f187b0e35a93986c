namespace Aigis.Sim.Output;

/// <summary>A tiny seeded generator (SplitMix64) whose sequence for a seed never changes.</summary>
/// <remarks>
/// System.Random does not promise the same sequence across .NET versions and takes a 32-bit
/// seed; outputs here must replay exactly from a 64-bit seed. A mutable struct: keep it in a local.
/// </remarks>
internal struct SplitMix64
{
    private ulong _state;

    public SplitMix64(ulong seed) => _state = seed;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }

    /// <summary>A value in [0, <paramref name="exclusiveMax"/>).</summary>
    public int NextInt32(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)(((NextUInt64() >> 32) * (ulong)exclusiveMax) >> 32);
    }

    /// <summary>A value in [-1, 1).</summary>
    public float NextSignedUnit() => (float)(((NextUInt64() >> 11) * (2.0 / (1UL << 53))) - 1.0);
}

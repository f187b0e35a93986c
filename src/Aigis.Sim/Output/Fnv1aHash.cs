namespace Aigis.Sim.Output;

/// <summary>64-bit FNV-1a over UTF-16 code units, fed piece by piece.</summary>
/// <remarks>
/// string.GetHashCode is randomized per process, so it cannot make outputs repeat across runs;
/// FNV-1a is stable everywhere and needs no package.
/// </remarks>
internal struct Fnv1aHash
{
    private const ulong OffsetBasis = 14695981039346656037;
    private const ulong Prime = 1099511628211;

    private ulong _value;

    public Fnv1aHash() => _value = OffsetBasis;

    /// <summary>The hash of everything appended so far.</summary>
    public readonly ulong Value => _value;

    /// <summary>Hashes <paramref name="text"/> in one go.</summary>
    public static ulong Of(ReadOnlySpan<char> text)
    {
        var hash = new Fnv1aHash();
        hash.Append(text);
        return hash.Value;
    }

    public void Append(ReadOnlySpan<char> text)
    {
        var value = _value;
        foreach (var unit in text)
        {
            value = (value ^ unit) * Prime;
        }

        _value = value;
    }

    /// <summary>Appends one separator so that ("ab", "c") and ("a", "bc") hash differently.</summary>
    public void AppendSeparator() => _value = (_value ^ 0xFFFF) * Prime;
}

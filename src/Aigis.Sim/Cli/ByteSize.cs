using System.Globalization;

namespace Aigis.Sim.Cli;

/// <summary>Parses sizes such as <c>1048576</c>, <c>512KiB</c> or <c>20MiB</c> (binary units; K, M and G mean the same).</summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] _units =
    [
        ("GiB", 1L << 30), ("MiB", 1L << 20), ("KiB", 1L << 10),
        ("G", 1L << 30), ("M", 1L << 20), ("K", 1L << 10), ("B", 1),
    ];

    public static bool TryParse(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        var number = text.AsSpan().Trim();
        var factor = 1L;
        foreach (var (suffix, unitFactor) in _units)
        {
            if (number.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                number = number[..^suffix.Length].TrimEnd();
                factor = unitFactor;
                break;
            }
        }

        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count > long.MaxValue / factor)
        {
            return false;
        }

        bytes = count * factor;
        return true;
    }

    /// <summary>The size in the largest binary unit that divides it, e.g. 20MiB.</summary>
    public static string Format(long bytes)
    {
        foreach (var (suffix, factor) in _units.AsSpan(0, 3))
        {
            if (bytes >= factor && bytes % factor == 0)
            {
                return (bytes / factor).ToString(CultureInfo.InvariantCulture) + suffix;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture);
    }
}

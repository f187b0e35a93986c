using System.Globalization;

namespace Aigis.Core.Configuration;

/// <summary>
/// Parses byte sizes: <c>512</c> (bytes), <c>64KiB</c>, <c>1MiB</c>, <c>1.5GiB</c>, or decimal <c>10MB</c>.
/// Binary (KiB, MiB, GiB) and decimal (KB, MB, GB) units mean what they say.
/// </summary>
public static class SizeParser
{
    private static readonly (string Unit, long Bytes)[] s_units =
    [
        ("B", 1), ("KB", 1000), ("MB", 1000 * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),

        // Kubernetes writes binary units without the B (512Mi); a resource section copied from a manifest parses as is.
        ("Ki", 1L << 10), ("Mi", 1L << 20), ("Gi", 1L << 30), ("Ti", 1L << 40),
    ];

    public static bool TryParse(string text, out long bytes, out string error)
    {
        bytes = 0;
        var span = text.AsSpan().Trim();
        var i = 0;
        while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.'))
        {
            i++;
        }

        if (i == 0 || !double.TryParse(span[..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            error = $"'{text}' is not a size; write it as e.g. 512KiB, 1MiB or 10MB";
            return false;
        }

        var unit = span[i..].Trim();
        long multiplier = 1;
        if (!unit.IsEmpty)
        {
            multiplier = 0;
            foreach (var (name, unitBytes) in s_units)
            {
                if (unit.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    multiplier = unitBytes;
                    break;
                }
            }

            if (multiplier == 0)
            {
                error = $"'{text}' has an unknown unit '{unit}'; use B, KiB, MiB, GiB, KB, MB or GB";
                return false;
            }
        }

        var result = number * multiplier;
        if (result > long.MaxValue || result != Math.Floor(result))
        {
            error = $"'{text}' is not a whole number of bytes";
            return false;
        }

        bytes = (long)result;
        error = "";
        return true;
    }

    /// <summary>Formats a size in the largest binary unit that divides it exactly.</summary>
    public static string Format(long bytes)
    {
        (long Bytes, string Unit)[] units = [(1L << 40, "TiB"), (1L << 30, "GiB"), (1L << 20, "MiB"), (1L << 10, "KiB")];
        foreach (var (unitBytes, unit) in units)
        {
            if (bytes != 0 && bytes % unitBytes == 0)
            {
                return (bytes / unitBytes).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return bytes.ToString(CultureInfo.InvariantCulture) + "B";
    }
}

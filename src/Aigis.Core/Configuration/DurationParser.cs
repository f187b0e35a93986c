using System.Globalization;

namespace Aigis.Core.Configuration;

/// <summary>
/// Parses durations written as a sequence of number-unit pairs: <c>250ms</c>, <c>5s</c>, <c>1.5m</c>, <c>1h30m</c>.
/// Units: <c>us</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c>. A bare number is refused because
/// "5" could mean seconds or milliseconds and the wrong guess is silent.
/// </summary>
public static class DurationParser
{
    public static bool TryParse(string text, out TimeSpan value, out string error)
    {
        value = TimeSpan.Zero;
        var span = text.AsSpan().Trim();
        if (span.IsEmpty)
        {
            error = "a duration is empty; write it as e.g. 5s or 250ms";
            return false;
        }

        double totalTicks = 0;
        var i = 0;
        while (i < span.Length)
        {
            var numberStart = i;
            while (i < span.Length && (char.IsAsciiDigit(span[i]) || span[i] == '.'))
            {
                i++;
            }

            if (i == numberStart || !double.TryParse(span[numberStart..i], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = $"'{text}' is not a duration; write it as e.g. 5s, 250ms or 1h30m";
                return false;
            }

            while (i < span.Length && span[i] == ' ')
            {
                i++;
            }

            var unitStart = i;
            while (i < span.Length && char.IsAsciiLetter(span[i]))
            {
                i++;
            }

            var unit = span[unitStart..i];
            if (unit.IsEmpty)
            {
                error = $"'{text}' has no unit; write it as e.g. {number.ToString(CultureInfo.InvariantCulture)}s or {number.ToString(CultureInfo.InvariantCulture)}ms";
                return false;
            }

            double ticksPerUnit = unit switch
            {
                "us" => TimeSpan.TicksPerMicrosecond,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                "d" => TimeSpan.TicksPerDay,
                _ => 0,
            };
            if (ticksPerUnit == 0)
            {
                error = $"'{text}' has an unknown unit '{unit}'; use us, ms, s, m, h or d";
                return false;
            }

            totalTicks += number * ticksPerUnit;
            while (i < span.Length && span[i] == ' ')
            {
                i++;
            }
        }

        if (totalTicks > TimeSpan.MaxValue.Ticks)
        {
            error = $"'{text}' is too long a duration";
            return false;
        }

        value = TimeSpan.FromTicks((long)totalTicks);
        error = "";
        return true;
    }

    /// <summary>Formats a duration the way <see cref="TryParse"/> reads it back, choosing the largest exact unit.</summary>
    public static string Format(TimeSpan value)
    {
        var ticks = value.Ticks;
        if (ticks == 0)
        {
            return "0s";
        }

        (long Ticks, string Unit)[] units =
        [
            (TimeSpan.TicksPerDay, "d"), (TimeSpan.TicksPerHour, "h"), (TimeSpan.TicksPerMinute, "m"),
            (TimeSpan.TicksPerSecond, "s"), (TimeSpan.TicksPerMillisecond, "ms"), (TimeSpan.TicksPerMicrosecond, "us"),
        ];
        foreach (var (unitTicks, unit) in units)
        {
            if (ticks % unitTicks == 0)
            {
                return (ticks / unitTicks).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return (ticks / (double)TimeSpan.TicksPerMillisecond).ToString(CultureInfo.InvariantCulture) + "ms";
    }
}

using System.Buffers;
using System.Text.Json;
using Aigis.Core.Security.Rules;

namespace Aigis.Core.Security.Inspection;

/// <summary>Scans the current JSON token's unescaped text without allocating a string for it.</summary>
internal static class JsonStrings
{
    public static void Scan(RuleSet rules, RuleZone zone, ref Utf8JsonReader reader, ScoreCard card)
    {
        if (!rules.Covers(zone))
        {
            return;
        }

        var length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length == 0)
        {
            return;
        }

        if (reader.TokenType == JsonTokenType.Number)
        {
            Span<char> digits = stackalloc char[Math.Min(length, 64)];
            var bytes = reader.ValueSpan;
            var n = Math.Min(bytes.Length, digits.Length);
            for (var i = 0; i < n; i++)
            {
                digits[i] = (char)bytes[i];
            }

            rules.Scan(zone, digits[..n], card);
            return;
        }

        // Unescaping only shortens: the escaped byte length bounds the characters.
        var buffer = ArrayPool<char>.Shared.Rent(length);
        try
        {
            var written = reader.CopyString(buffer);
            rules.Scan(zone, buffer.AsSpan(0, written), card);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}

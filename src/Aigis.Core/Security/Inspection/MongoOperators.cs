using System.Text.Json;

namespace Aigis.Core.Security.Inspection;

/// <summary>MongoDB-style query operators in JSON keys, and the field names under which one is an injection.</summary>
internal static class MongoOperators
{
    private static readonly byte[][] s_credentialNames =
    [
        "password"u8.ToArray(), "passwd"u8.ToArray(), "pass"u8.ToArray(), "pwd"u8.ToArray(), "token"u8.ToArray(), "secret"u8.ToArray(),
        "username"u8.ToArray(), "user"u8.ToArray(), "login"u8.ToArray(), "email"u8.ToArray(), "apikey"u8.ToArray(), "api_key"u8.ToArray(),
        "otp"u8.ToArray(), "code"u8.ToArray(), "pin"u8.ToArray(), "session"u8.ToArray(),
    ];

    /// <summary>True for a property name <c>$letters</c>.</summary>
    public static bool IsOperator(ref Utf8JsonReader reader)
    {
        var name = reader.HasValueSequence ? default : reader.ValueSpan;
        if (name.Length < 2 || name[0] != (byte)'$')
        {
            return false;
        }

        foreach (var b in name[1..])
        {
            if (!char.IsAsciiLetter((char)b))
            {
                return false;
            }
        }

        return true;
    }

    public static bool RunsCode(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("$where"u8) || reader.ValueTextEquals("$function"u8) || reader.ValueTextEquals("$accumulator"u8);

    public static bool IsCredentialName(ref Utf8JsonReader reader)
    {
        foreach (var name in s_credentialNames)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly string[] s_filterContainers = ["filters", "filter", "where", "query", "populate", "sort", "fields", "search", "q"];

    /// <summary>
    /// <c>u_id[$ne]</c>, <c>password[$regex]</c>: a form argument name with a bracketed operator, outside the
    /// containers filter APIs put them in (<c>filters[age][$gte]</c>, <c>where[status][$in]</c>).
    /// </summary>
    public static bool IsOperatorOutsideFilter(ReadOnlySpan<char> name)
    {
        var at = name.IndexOf("[$", StringComparison.Ordinal);
        if (at < 0 || name.IndexOf('[') is var bracket && bracket <= 0)
        {
            return false;
        }

        var end = name[(at + 2)..].IndexOf(']');
        if (end <= 0 || !IsLetters(name.Slice(at + 2, end)))
        {
            return false;
        }

        var field = name[..bracket];
        foreach (var container in s_filterContainers)
        {
            if (field.Equals(container, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLetters(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiLetter(c))
            {
                return false;
            }
        }

        return true;
    }
}

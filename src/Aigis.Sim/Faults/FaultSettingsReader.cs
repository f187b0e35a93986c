using System.Globalization;
using System.Text.Json;
using Aigis.Sim.Http;

namespace Aigis.Sim.Faults;

/// <summary>Reads the body of POST /admin/faults; absent or null fields take their defaults, unknown ones are refused.</summary>
internal static class FaultSettingsReader
{
    private static readonly string[] _fields = ["error_rate", "error_status", "latency_ms", "hang", "crash_after", "stream_cut_after", "malformed_stream"];

    /// <summary>The settings, or null with every problem listed in one 400.</summary>
    public static ApiError? Read(JsonElement root, out FaultSettings settings)
    {
        settings = FaultSettings.None;
        var problems = new List<string>();
        string? firstParam = null;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null && IsKnown(property.Name))
            {
                continue;
            }

            var problem = property.Name switch
            {
                "error_rate" => ReadNumber(value, 0, 1, out var rate) ?? Set(ref settings, settings with { ErrorRate = rate }),
                "error_status" => ReadInt(value, 400, 599, out var status) ?? Set(ref settings, settings with { ErrorStatus = status }),
                "latency_ms" => ReadInt(value, 0, FaultSettings.MaxLatencyMs, out var latency) ?? Set(ref settings, settings with { LatencyMs = latency }),
                "hang" => ReadBool(value, out var hang) ?? Set(ref settings, settings with { Hang = hang }),
                "crash_after" => ReadInt(value, 1, int.MaxValue, out var crash) ?? Set(ref settings, settings with { CrashAfter = crash }),
                "stream_cut_after" => ReadInt(value, 0, int.MaxValue, out var cut) ?? Set(ref settings, settings with { StreamCutAfter = cut }),
                "malformed_stream" => ReadBool(value, out var malformed) ?? Set(ref settings, settings with { MalformedStream = malformed }),
                _ => $"unknown field; the fields are {string.Join(", ", _fields)}",
            };
            if (problem is not null)
            {
                firstParam ??= property.Name;
                problems.Add($"'{property.Name}': {problem}.");
            }
        }

        if (problems.Count == 0)
        {
            return null;
        }

        settings = FaultSettings.None;
        return ApiError.InvalidRequest("Invalid faults. " + string.Join(" ", problems), firstParam);
    }

    private static bool IsKnown(string name) => Array.IndexOf(_fields, name) >= 0;

    // Always null: lets a successful read and its assignment share one switch arm.
    private static string? Set(ref FaultSettings settings, FaultSettings value)
    {
        settings = value;
        return null;
    }

    private static string? ReadNumber(JsonElement value, double minimum, double maximum, out double number)
    {
        number = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out number))
        {
            return $"expected a number, but got {JsonKinds.Describe(value.ValueKind)}";
        }

        return number >= minimum && number <= maximum ? null : $"expected a number from {Format(minimum)} to {Format(maximum)}, but got {Format(number)}";
    }

    private static string? ReadInt(JsonElement value, int minimum, int maximum, out int number)
    {
        number = 0;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out number))
        {
            return $"expected an integer, but got {(value.ValueKind == JsonValueKind.Number ? value.GetRawText() : JsonKinds.Describe(value.ValueKind))}";
        }

        return number >= minimum && number <= maximum ? null : $"expected an integer from {minimum} to {maximum}, but got {number}";
    }

    private static string? ReadBool(JsonElement value, out bool flag)
    {
        flag = value.ValueKind == JsonValueKind.True;
        return value.ValueKind is JsonValueKind.True or JsonValueKind.False ? null : $"expected a boolean, but got {JsonKinds.Describe(value.ValueKind)}";
    }

    private static string Format(double number) => number.ToString(CultureInfo.InvariantCulture);
}

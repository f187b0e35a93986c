using System.Text.Json.Serialization;
using Aigis.Core.Configuration;

namespace Aigis.Alerts;

/// <summary>A webhook's body: one alert event.</summary>
internal sealed record AlertNotification(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("alert")] string Alert,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("expr")] string Expression,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("starts_at")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    public static AlertNotification From(AlertEvent e) => new(
        e.Status, e.Alert, SeverityName(e.Severity), LabelsOf(e.By, e.Group), e.Value, e.Expression, e.Summary, e.StartsAt, e.At);

    public static string SeverityName(AlertSeverity severity) => severity switch
    {
        AlertSeverity.Info => "info",
        AlertSeverity.Critical => "critical",
        _ => "warning",
    };

    public static Dictionary<string, string> LabelsOf(string? by, string group) =>
        by is null ? [] : new Dictionary<string, string>(StringComparer.Ordinal) { [by] = group };
}

internal sealed record AlertEntry(
    [property: JsonPropertyName("alert")] string Alert,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("expr")] string Expression,
    [property: JsonPropertyName("summary")] string? Summary,
    [property: JsonPropertyName("since")] DateTimeOffset Since);

internal sealed record AlertList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<AlertEntry> Data,
    [property: JsonPropertyName("next_cursor")] string? NextCursor = null);

internal sealed record AlertHistoryEntry(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("alert")] string Alert,
    [property: JsonPropertyName("severity")] string Severity,
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("value")] double? Value,
    [property: JsonPropertyName("starts_at")] DateTimeOffset StartsAt,
    [property: JsonPropertyName("at")] DateTimeOffset At);

internal sealed record AlertHistoryList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<AlertHistoryEntry> Data,
    [property: JsonPropertyName("next_cursor")] string? NextCursor = null);

[JsonSerializable(typeof(AlertNotification))]
[JsonSerializable(typeof(AlertList))]
[JsonSerializable(typeof(AlertHistoryList))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
internal sealed partial class AlertJsonContext : JsonSerializerContext;

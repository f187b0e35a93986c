using System.Text.Json.Serialization;

namespace Aigis.Rollouts;

/// <summary>A change as stored and as the admin API takes it.</summary>
internal sealed record RolloutChangeJson(
    [property: JsonPropertyName("image")] string? Image,
    [property: JsonPropertyName("command")] string? Command,
    [property: JsonPropertyName("args")] IReadOnlyList<string>? Args)
{
    public RolloutChange ToChange() => new(Image, Command, Args);

    public static RolloutChangeJson Of(RolloutChange change) => new(change.Image, change.Command, change.Args);
}

/// <summary>One step as stored and shown.</summary>
internal sealed record RolloutStepJson(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("replica")] int? Replica,
    [property: JsonPropertyName("window")] int? Window,
    [property: JsonPropertyName("message")] string Message);

/// <summary>A rollout as the admin API shows it.</summary>
internal sealed record RolloutView(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("service")] string Service,
    [property: JsonPropertyName("revision")] int Revision,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("phase")] string Phase,
    [property: JsonPropertyName("replica")] int Replica,
    [property: JsonPropertyName("replicas")] int Replicas,
    [property: JsonPropertyName("change")] RolloutChangeJson Change,
    [property: JsonPropertyName("actor")] string Actor,
    [property: JsonPropertyName("started_at")] DateTimeOffset StartedAt,
    [property: JsonPropertyName("ended_at")] DateTimeOffset? EndedAt,
    [property: JsonPropertyName("reason")] string? Reason,
    [property: JsonPropertyName("in_force")] bool InForce,
    [property: JsonPropertyName("current_step")] RolloutStepJson? CurrentStep,
    [property: JsonPropertyName("steps")] IReadOnlyList<RolloutStepJson> Steps);

internal sealed record RolloutList(
    [property: JsonPropertyName("object")] string Object,
    [property: JsonPropertyName("data")] IReadOnlyList<RolloutView> Data,
    [property: JsonPropertyName("next_cursor")] string? NextCursor = null);

/// <summary>The body of <c>POST /admin/v1/services/{name}/rollouts</c>.</summary>
internal sealed record RolloutRequest(
    [property: JsonPropertyName("image")] string? Image,
    [property: JsonPropertyName("command")] string? Command,
    [property: JsonPropertyName("args")] IReadOnlyList<string>? Args);

[JsonSerializable(typeof(RolloutChangeJson))]
[JsonSerializable(typeof(List<RolloutStepJson>))]
[JsonSerializable(typeof(RolloutView))]
[JsonSerializable(typeof(RolloutList))]
[JsonSerializable(typeof(RolloutRequest))]
internal sealed partial class RolloutJsonContext : JsonSerializerContext;

using Aigis.Store;

namespace Aigis.Rollouts;

/// <summary>The audit log's entries for rollouts: who started which, how each ended, and versions a config edit superseded.</summary>
internal static class RolloutAudit
{
    public const string StartedAction = "rollout.started";
    public const string EndedAction = "rollout.ended";
    public const string SupersededAction = "rollout.superseded";

    public static AuditEvent Started(RolloutRecord rollout, string? requestId) =>
        new(rollout.StartedAt, StartedAction, "ok", rollout.Actor, rollout.Service, RequestId: requestId, Detail: $"rollout {rollout.Id} to revision {rollout.Revision}: {Describe(rollout.Change)}");

    public static AuditEvent Ended(RolloutRecord rollout) =>
        new(rollout.EndedAt ?? rollout.StartedAt, EndedAction, rollout.Status, AuditActions.System, rollout.Service, Reason: rollout.Reason is { } r ? Trim(r) : null,
            Detail: $"rollout {rollout.Id} to revision {rollout.Revision}");

    public static AuditEvent Superseded(RolloutRecord rollout, DateTimeOffset at) =>
        new(at, SupersededAction, "ok", AuditActions.System, rollout.Service, Reason: "config_changed",
            Detail: $"rollout {rollout.Id} (revision {rollout.Revision}) no longer applies: the config file's section of the service changed");

    public static string Describe(RolloutChange change)
    {
        var parts = new List<string>();
        if (change.Image is { } image)
        {
            parts.Add($"image {image}");
        }

        if (change.Command is { } command)
        {
            parts.Add($"command {command}");
        }

        if (change.Args is { } args)
        {
            parts.Add($"args [{string.Join(", ", args)}]");
        }

        return string.Join(", ", parts);
    }

    private static string Trim(string text) => text.Length <= 500 ? text : text[..500];
}

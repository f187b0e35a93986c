using Aigis.Core.Rollouts;

namespace Aigis.Rollouts;

/// <summary>The outcome names a rollout is stored and shown with.</summary>
internal static class RolloutStatus
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string RolledBack = "rolled_back";
    public const string Aborted = "aborted";

    public static string Of(RolloutPhase phase) => phase switch
    {
        RolloutPhase.Succeeded => Succeeded,
        RolloutPhase.RolledBack => RolledBack,
        RolloutPhase.Aborted => Aborted,
        _ => Running,
    };

    public static string PhaseName(RolloutPhase phase) => phase switch
    {
        RolloutPhase.Starting => "starting",
        RolloutPhase.Analyzing => "analyzing",
        RolloutPhase.RollingBack => "rolling_back",
        RolloutPhase.Succeeded => Succeeded,
        RolloutPhase.RolledBack => RolledBack,
        _ => Aborted,
    };

    public static RolloutPhase ParsePhase(string name) => name switch
    {
        "starting" => RolloutPhase.Starting,
        "analyzing" => RolloutPhase.Analyzing,
        "rolling_back" => RolloutPhase.RollingBack,
        Succeeded => RolloutPhase.Succeeded,
        RolledBack => RolloutPhase.RolledBack,
        _ => RolloutPhase.Aborted,
    };
}

/// <summary>
/// One rollout as the store keeps it: what it changed, from what, where it is, and every step so far. A succeeded
/// rollout that is not <see cref="Superseded"/> is its service's version override (see <see cref="RolloutOverrides"/>).
/// </summary>
/// <param name="Revision">The service's version number it rolls out (the config file's own version is 1).</param>
/// <param name="Change">The change over the config file's section (earlier rollouts' changes merged in).</param>
/// <param name="Baseline">The config file's section when it started, as text: a reload that changes it supersedes the rollout.</param>
/// <param name="Slot">The replica slot (from 0) the rollout is at.</param>
internal sealed record RolloutRecord(
    long Id,
    string Service,
    int Revision,
    string Status,
    RolloutPhase Phase,
    RolloutChange Change,
    string Baseline,
    string Actor,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? Reason,
    int Replicas,
    int Slot,
    IReadOnlyList<RolloutStep> Steps,
    bool Superseded = false);

/// <summary>Where rollouts are kept: they survive a restart, and the last succeeded one of a service is its version.</summary>
internal interface IRolloutStore
{
    /// <summary>Writes a new rollout and returns its id.</summary>
    Task<long> InsertRolloutAsync(RolloutRecord rollout, CancellationToken cancellationToken);

    Task UpdateRolloutAsync(RolloutRecord rollout, CancellationToken cancellationToken);

    Task<RolloutRecord?> ReadRolloutAsync(long id, CancellationToken cancellationToken);

    /// <summary>Newest first, below <paramref name="beforeId"/>, of one service or all.</summary>
    Task<IReadOnlyList<RolloutRecord>> ReadRolloutsAsync(int limit, long? beforeId, string? service, CancellationToken cancellationToken);

    /// <summary>Rollouts still marked running (after a restart: interrupted ones).</summary>
    Task<IReadOnlyList<RolloutRecord>> ReadRunningRolloutsAsync(CancellationToken cancellationToken);

    /// <summary>Each service's last succeeded rollout that no config change has superseded.</summary>
    Task<IReadOnlyList<RolloutRecord>> ReadInForceRolloutsAsync(CancellationToken cancellationToken);

    /// <summary>The highest revision any rollout of <paramref name="service"/> had; 1 (the config file's) when none.</summary>
    Task<int> ReadLastRevisionAsync(string service, CancellationToken cancellationToken);
}

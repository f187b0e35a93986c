namespace Aigis.Core.Rollouts;

/// <summary>Where a rollout is. The last three are final.</summary>
public enum RolloutPhase
{
    /// <summary>A new replica is starting and has not yet passed its health check; it takes no traffic.</summary>
    Starting,

    /// <summary>A new replica is healthy, takes the canary share, and is being compared with the stable replicas.</summary>
    Analyzing,

    /// <summary>A check failed; the previous version is being restored.</summary>
    RollingBack,

    /// <summary>Every replica runs the new version.</summary>
    Succeeded,

    /// <summary>A check failed and the previous version runs again.</summary>
    RolledBack,

    /// <summary>Stopped from outside (aigis stopped or restarted mid-way); the previous version runs.</summary>
    Aborted,
}

/// <summary>What the runtime must do next for a rollout.</summary>
public enum RolloutAction
{
    /// <summary>Nothing: keep collecting samples until the window ends.</summary>
    None,

    /// <summary>Start the new version's replica for <see cref="RolloutMachine.Slot"/> and report how its start went.</summary>
    StartReplica,

    /// <summary>Give the judged replica of <see cref="RolloutMachine.Slot"/> its full share and retire the old one, then report it.</summary>
    Promote,

    /// <summary>Restore the previous version on every slot and discard the new replicas, then report it.</summary>
    RollBack,

    /// <summary>Done: make the new version the service's version.</summary>
    Complete,
}

/// <summary>One line of a rollout's history.</summary>
/// <param name="Slot">The replica slot the step is about (from 0), or -1 for the rollout as a whole.</param>
/// <param name="Window">The analysis window (from 1), or 0 when the step is not a window's verdict.</param>
public sealed record RolloutStep(DateTimeOffset At, RolloutPhase Phase, int Slot, int Window, string Message);

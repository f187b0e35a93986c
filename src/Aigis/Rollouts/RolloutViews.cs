using Aigis.Core.Rollouts;

namespace Aigis.Rollouts;

/// <summary>Rollouts as the admin API shows them: replicas and windows counted from 1, as people count.</summary>
internal static class RolloutViews
{
    public static RolloutStepJson Step(RolloutStep step) =>
        new(step.At, RolloutStatus.PhaseName(step.Phase), step.Slot < 0 ? null : step.Slot + 1, step.Window == 0 ? null : step.Window, step.Message);

    public static RolloutView View(RolloutRecord rollout, bool inForce) => new(
        rollout.Id,
        rollout.Service,
        rollout.Revision,
        rollout.Status,
        RolloutStatus.PhaseName(rollout.Phase),
        rollout.Slot + 1,
        rollout.Replicas,
        RolloutChangeJson.Of(rollout.Change),
        rollout.Actor,
        rollout.StartedAt,
        rollout.EndedAt,
        rollout.Reason,
        inForce,
        rollout.Steps.Count == 0 ? null : Step(rollout.Steps[^1]),
        rollout.Steps.Select(Step).ToArray());
}

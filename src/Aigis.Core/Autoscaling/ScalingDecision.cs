namespace Aigis.Core.Autoscaling;

/// <summary>A policy's answer at one tick, with the inputs that led to it, so it can be logged and shown as is.</summary>
/// <param name="At">When it was decided (the policy's clock).</param>
/// <param name="Current">Replicas before the decision.</param>
/// <param name="Desired">Replicas the policy wants.</param>
/// <param name="Metric">The signal it scaled on (per replica, or total for KPA), as it read it.</param>
/// <param name="Target">What it aims the signal at.</param>
/// <param name="Recommendation">What the signal alone asked for, before windows, limits and bounds.</param>
internal sealed record ScalingDecision(
    DateTimeOffset At,
    string Policy,
    int Current,
    int Desired,
    ScalingReason Reason,
    double Metric,
    double Target,
    int Recommendation)
{
    public int Change => Desired - Current;
}

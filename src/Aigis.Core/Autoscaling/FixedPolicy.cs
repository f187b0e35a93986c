namespace Aigis.Core.Autoscaling;

/// <summary><c>fixed</c>: a constant replica count, the baseline every autoscaler is compared with.</summary>
internal sealed class FixedPolicy(int replicas, TimeProvider time) : IAutoscalingPolicy
{
    public string Name => AutoscalingNames.Fixed;

    public TimeSpan Period { get; } = TimeSpan.FromSeconds(15);

    public ScalingDecision Decide(AutoscalerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new ScalingDecision(time.GetUtcNow(), Name, input.Replicas, replicas, ScalingReason.Fixed, input.TotalInFlight, 0, replicas);
    }
}

namespace Aigis.Core.Autoscaling;

/// <summary>Decides a service's replica count, once per <see cref="Period"/>, from what the service shows.</summary>
internal interface IAutoscalingPolicy
{
    string Name { get; }

    /// <summary>How often the control loop should call <see cref="Decide"/>.</summary>
    TimeSpan Period { get; }

    ScalingDecision Decide(AutoscalerInput input);
}

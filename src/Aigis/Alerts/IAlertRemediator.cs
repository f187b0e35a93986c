using Aigis.Core.Configuration;

namespace Aigis.Alerts;

/// <summary>
/// What the control plane does when a rule with a <c>remediation</c> fires for a service. Implemented by
/// <see cref="ControlPlaneRemediator"/>; the evaluator only asks, so runtimes other than the process deployer
/// (and the resilience stage's outlier ejection) can plug in without touching alerting.
/// </summary>
internal interface IAlertRemediator
{
    /// <summary>Acts on <paramref name="service"/>; returns what was done, in words, for the log.</summary>
    Task<string> RemediateAsync(AlertRemediation action, string service, CancellationToken cancellationToken);
}

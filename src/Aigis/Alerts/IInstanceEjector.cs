namespace Aigis.Alerts;

/// <summary>
/// Takes one instance out of rotation for a while: what an <c>eject-instance</c> remediation asks for.
/// </summary>
/// <remarks>
/// To be implemented by the resilience stage's outlier ejection (branch <c>resilience</c>), which owns ejection and
/// its return to rotation; pass it to <see cref="ControlPlaneRemediator"/> in <c>AigisHost</c>. Until then the
/// remediator is built without one and reports that nothing was ejected.
/// </remarks>
internal interface IInstanceEjector
{
    /// <summary>Ejects <paramref name="instanceId"/> of <paramref name="service"/>; false when it is unknown or ejection is not allowed now (e.g. the last instance).</summary>
    bool Eject(string service, string instanceId, string reason);
}

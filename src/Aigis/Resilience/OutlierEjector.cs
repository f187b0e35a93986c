using Aigis.Alerts;
using Aigis.Hosting;

namespace Aigis.Resilience;

/// <summary>
/// The <c>eject-instance</c> remediation: ejects through the outlier detector, so the ejection has the same length,
/// backoff, cap and return as one earned by live traffic, and is logged and counted the same way.
/// </summary>
internal sealed class OutlierEjector(GatewayState state, InstanceHealthEvents events) : IInstanceEjector
{
    public bool Eject(string service, string instanceId, string reason)
    {
        if (!state.Routes.ByName.TryGetValue(service, out var route))
        {
            return false;
        }

        foreach (var instance in route.Instances)
        {
            if (instance.Id == instanceId)
            {
                return events.EjectOnRequest(route, instance, reason);
            }
        }

        return false;
    }
}

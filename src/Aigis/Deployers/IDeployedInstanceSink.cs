using Aigis.Core.Configuration;

namespace Aigis.Deployers;

/// <summary>Where a deployer publishes each service's healthy replicas; the gateway routes to them.</summary>
internal interface IDeployedInstanceSink
{
    /// <summary>Replaces the instances of <paramref name="service"/> with <paramref name="instances"/> (possibly none).</summary>
    void SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances);
}

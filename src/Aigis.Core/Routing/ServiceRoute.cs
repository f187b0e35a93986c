using Aigis.Core.Balancing;
using Aigis.Core.Configuration;

namespace Aigis.Core.Routing;

/// <summary>A service as the request path sees it: its config, its instances and its balancer.</summary>
public sealed class ServiceRoute(ServiceConfig config, UpstreamInstance[] instances, ILoadBalancingPolicy balancer)
{
    public ServiceConfig Config { get; } = config;

    public string Name => Config.Name;

    public UpstreamInstance[] Instances { get; } = instances;

    public ILoadBalancingPolicy Balancer { get; } = balancer;

    /// <summary>Picks an instance, or null when the service has none.</summary>
    public UpstreamInstance? Pick() => Instances.Length switch
    {
        0 => null,
        1 => Instances[0],
        _ => Balancer.Pick(Instances),
    };
}

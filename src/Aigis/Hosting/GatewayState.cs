using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;
using Aigis.Deployers;

namespace Aigis.Hosting;

/// <summary>
/// The running gateway's current route table. Readers take <see cref="Routes"/> once per request and use
/// that snapshot throughout; <see cref="Apply"/> and <see cref="SetDeployedInstances"/> swap in a new one atomically.
/// </summary>
/// <remarks>
/// The table has two inputs: the config (from the file, replaced whole at each reload) and the instances that
/// deployers run (replaced per service as replicas become healthy or go away). Both are kept here and every
/// change rebuilds the table from both, so a reload never drops deployed replicas and a replica coming up never
/// reverts a reload. <see cref="RouteTable.Build"/> carries unchanged instances over with their live state.
/// </remarks>
internal sealed class GatewayState(AigisConfig config, TimeProvider timeProvider, LoadBalancingPolicyFactory policies) : IDeployedInstanceSink
{
    private readonly Lock _applyLock = new();
    private readonly Dictionary<string, IReadOnlyList<InstanceConfig>> _deployed = new(StringComparer.Ordinal);
    private volatile RouteTable _routes = RouteTable.Build(config, null, policies, timeProvider.GetUtcNow(), time: timeProvider);
    private volatile bool _ready;

    /// <summary>Raised after a new config has been applied (outside the lock), so deployers can reconcile to it.</summary>
    public event Action<AigisConfig>? ConfigApplied;

    public RouteTable Routes => _routes;

    /// <summary>The config as loaded, without deployed instances.</summary>
    public AigisConfig Config => _routes.Config;

    /// <summary>True while the public listener accepts traffic: after start, before shutdown begins.</summary>
    public bool IsReady
    {
        get => _ready;
        set => _ready = value;
    }

    public RouteTable Apply(AigisConfig next)
    {
        RouteTable table;
        lock (_applyLock)
        {
            table = RouteTable.Build(next, _routes, policies, timeProvider.GetUtcNow(), _deployed, timeProvider);
            _routes = table;
        }

        ConfigApplied?.Invoke(next);
        return table;
    }

    /// <summary>
    /// Replaces the instances a deployer runs for <paramref name="service"/> (its healthy replicas) and rebuilds
    /// the table. Instances of a service that the config does not list, or lists as static, are kept but unused.
    /// </summary>
    public RouteTable SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances)
    {
        lock (_applyLock)
        {
            if (_deployed.TryGetValue(service, out var current) ? current.SequenceEqual(instances) : instances.Count == 0)
            {
                return _routes;
            }

            if (instances.Count == 0)
            {
                _deployed.Remove(service);
            }
            else
            {
                _deployed[service] = instances.ToArray();
            }

            // The config did not change, so neither does the time it was loaded at.
            var table = RouteTable.Build(_routes.Config, _routes, policies, _routes.LoadedAt, _deployed, timeProvider);
            _routes = table;
            return table;
        }
    }

    void IDeployedInstanceSink.SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances) => SetDeployedInstances(service, instances);
}

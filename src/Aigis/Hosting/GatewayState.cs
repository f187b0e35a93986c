using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;
using Aigis.Deployers;

namespace Aigis.Hosting;

/// <summary>
/// The running gateway's current <see cref="GatewaySnapshot"/>. A request takes <see cref="Snapshot"/> once and uses
/// it throughout; <see cref="Apply"/> and <see cref="SetDeployedInstances"/> compile a new one and swap it in atomically.
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
    private volatile GatewaySnapshot _snapshot = GatewaySnapshot.Compile(RouteTable.Build(config, null, policies, timeProvider.GetUtcNow(), timeProvider), null);
    private volatile bool _ready;

    /// <summary>Raised after a new config has been applied (outside the lock), so deployers can reconcile to it.</summary>
    public event Action<AigisConfig>? ConfigApplied;

    /// <summary>Everything the request path reads of the config in force, compiled.</summary>
    public GatewaySnapshot Snapshot => _snapshot;

    public RouteTable Routes => _snapshot.Routes;

    /// <summary>The config as loaded, without deployed instances.</summary>
    public AigisConfig Config => _snapshot.Config;

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
            table = RouteTable.Build(next, _snapshot.Routes, policies, timeProvider.GetUtcNow(), timeProvider, _deployed);
            _snapshot = GatewaySnapshot.Compile(table, _snapshot);
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
                return _snapshot.Routes;
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
            var routes = _snapshot.Routes;
            var table = RouteTable.Build(routes.Config, routes, policies, routes.LoadedAt, timeProvider, _deployed);
            _snapshot = GatewaySnapshot.Compile(table, _snapshot);
            return table;
        }
    }

    void IDeployedInstanceSink.SetDeployedInstances(string service, IReadOnlyList<InstanceConfig> instances) => SetDeployedInstances(service, instances);
}

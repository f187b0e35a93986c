using Aigis.Core.Balancing;
using Aigis.Core.Configuration;
using Aigis.Core.Routing;

namespace Aigis.Hosting;

/// <summary>
/// The running gateway's current route table. Readers take <see cref="Routes"/> once per request and use
/// that snapshot throughout; <see cref="Apply"/> swaps in a new one atomically.
/// </summary>
internal sealed class GatewayState(AigisConfig config, TimeProvider timeProvider, LoadBalancingPolicyFactory policies)
{
    private readonly Lock _applyLock = new();
    private volatile RouteTable _routes = RouteTable.Build(config, null, policies, timeProvider.GetUtcNow());
    private volatile bool _ready;

    public RouteTable Routes => _routes;

    /// <summary>True while the public listener accepts traffic: after start, before shutdown begins.</summary>
    public bool IsReady
    {
        get => _ready;
        set => _ready = value;
    }

    public RouteTable Apply(AigisConfig next)
    {
        lock (_applyLock)
        {
            var table = RouteTable.Build(next, _routes, policies, timeProvider.GetUtcNow());
            _routes = table;
            return table;
        }
    }
}

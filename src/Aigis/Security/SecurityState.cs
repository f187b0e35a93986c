using Aigis.Core.Configuration;
using Aigis.Core.Security.Bans;
using Aigis.Core.Security.Inspection;
using Aigis.Hosting;

namespace Aigis.Security;

/// <summary>
/// What the security stages share: the compiled <see cref="SecurityPolicy"/> of the config in force, the ban list
/// and the metrics.
/// </summary>
internal sealed class SecurityState
{
    private readonly GatewayState _gateway;

    public SecurityState(GatewayState gateway, IBanList bans, SecurityMetrics metrics)
    {
        _gateway = gateway;
        Bans = bans;
        Metrics = metrics;
        metrics.ObserveBans(() => Bans.ActiveCount);
    }

    public IBanList Bans { get; }

    public SecurityMetrics Metrics { get; }

    public SecurityConfig Config => _gateway.Config.Security;

    /// <summary>The policy for the config in force, compiled when the config was applied (<see cref="GatewaySnapshot"/>).</summary>
    public SecurityPolicy Policy => _gateway.Snapshot.Security;
}

using Aigis.Core.Configuration;
using Aigis.Core.Security.Bans;
using Aigis.Core.Security.Inspection;
using Aigis.Hosting;

namespace Aigis.Security;

/// <summary>
/// What the security stages share: the compiled <see cref="SecurityPolicy"/> for the current config (rebuilt
/// when a reload changes the <c>security</c> section), the ban list and the metrics.
/// </summary>
internal sealed class SecurityState
{
    private readonly GatewayState _gateway;
    private readonly Lock _rebuild = new();
    private SecurityPolicy _policy;

    public SecurityState(GatewayState gateway, IBanList bans, SecurityMetrics metrics)
    {
        _gateway = gateway;
        Bans = bans;
        Metrics = metrics;
        _policy = SecurityPolicy.Build(gateway.Config.Security).Policy;
        metrics.ObserveBans(() => Bans.ActiveCount);
    }

    public IBanList Bans { get; }

    public SecurityMetrics Metrics { get; }

    public SecurityConfig Config => _gateway.Config.Security;

    /// <summary>The policy for the config in force; a reload that changed <c>security</c> compiles a new one (once).</summary>
    public SecurityPolicy Policy
    {
        get
        {
            var current = _gateway.Config.Security;
            var policy = _policy;
            if (ReferenceEquals(policy.Config, current))
            {
                return policy;
            }

            lock (_rebuild)
            {
                if (!ReferenceEquals(_policy.Config, current))
                {
                    // The config was validated with these rule files when it was loaded; errors here mean a
                    // file changed since, and the shipped rules with what still loads are the best we can do.
                    _policy = SecurityPolicy.Build(current).Policy;
                }

                return _policy;
            }
        }
    }
}

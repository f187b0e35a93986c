using System.Diagnostics.Metrics;

namespace Aigis.Security;

/// <summary>The <c>Aigis.Security</c> meter: intrusion-detection blocks by family, firewall refusals by reason, active bans.</summary>
internal sealed class SecurityMetrics
{
    public const string MeterName = "Aigis.Security";

    private readonly Meter _meter;
    private readonly Counter<long> _idsBlocks;
    private readonly Counter<long> _firewallDenied;
    private readonly Counter<long> _promptInjections;

    public Meter Meter => _meter;

    /// <param name="meters">The host's meter factory: the meter is this host's own, and goes with the factory.</param>
    public SecurityMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _idsBlocks = _meter.CreateCounter<long>("aigis.ids.blocks", description: "Requests refused by intrusion detection, by the family that scored highest.");
        _firewallDenied = _meter.CreateCounter<long>("aigis.firewall.denied", description: "Requests refused by the firewall, by reason (cidr, ban).");
        _promptInjections = _meter.CreateCounter<long>("aigis.ids.prompt_injections", description: "Model requests over the prompt-injection threshold, by action taken.");
    }

    public void IdsBlocked(string family) => _idsBlocks.Add(1, new KeyValuePair<string, object?>("family", family));

    public void FirewallDenied(string reason) => _firewallDenied.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void PromptInjection(string action) => _promptInjections.Add(1, new KeyValuePair<string, object?>("action", action));

    public void ObserveBans(Func<int> activeBans) =>
        _meter.CreateObservableGauge("aigis.bans.active", activeBans, description: "Addresses banned now.");

}

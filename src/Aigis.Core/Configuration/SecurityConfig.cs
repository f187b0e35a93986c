using System.Net;

namespace Aigis.Core.Configuration;

/// <summary>The <c>security</c> section: firewall, request limits, intrusion detection and bans.</summary>
public sealed record SecurityConfig
{
    /// <summary><c>block</c> refuses a request whose web-attack score reaches <see cref="Threshold"/>; <c>detect-only</c> logs it and lets it pass.</summary>
    public SecurityMode Mode { get; init; } = SecurityMode.Block;

    /// <summary>Anomaly score at which a request counts as an attack (CRS's default inbound threshold).</summary>
    public int Threshold { get; init; } = 5;

    /// <summary>Rules up to this paranoia level are active (1 to 4; higher catches more and blocks more by mistake).</summary>
    public int Paranoia { get; init; } = 1;

    /// <summary>User rule files, applied in order over the shipped rules (add, override or disable by id).</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    /// <summary>Rule ids switched off.</summary>
    public IReadOnlyList<string> DisabledRules { get; init; } = [];

    /// <summary>Families switched off (e.g. <c>920</c>); every family is on unless listed.</summary>
    public IReadOnlyList<string> DisabledFamilies { get; init; } = [];

    /// <summary>Longest stretch of one field inspected; longer fields have their head and tail inspected.</summary>
    public long MaxInspectSize { get; init; } = 16 * 1024;

    public PromptInjectionConfig PromptInjection { get; init; } = new();

    public FirewallConfig Firewall { get; init; } = new();

    public RequestLimitsConfig Limits { get; init; } = new();

    public BansConfig Bans { get; init; } = new();
}

public enum SecurityMode
{
    Block,
    DetectOnly,
    Off,
}

public enum PromptInjectionAction
{
    /// <summary>Refuse the request with 403.</summary>
    Block,

    /// <summary>Forward it with <c>x-aigis-prompt-injection</c> set (upstream and on the response), and log it.</summary>
    Flag,

    /// <summary>Only log it.</summary>
    Log,
}

/// <summary>Prompt-injection rules over model-API message content: their own threshold and action.</summary>
public sealed record PromptInjectionConfig
{
    public int Threshold { get; init; } = 5;

    public PromptInjectionAction Action { get; init; } = PromptInjectionAction.Flag;
}

/// <summary>CIDR allow and deny lists. An empty allow list allows every address not denied.</summary>
public sealed record CidrLists
{
    public IReadOnlyList<IPNetwork> Allow { get; init; } = [];

    public IReadOnlyList<IPNetwork> Deny { get; init; } = [];

    public bool IsEmpty => Allow.Count == 0 && Deny.Count == 0;

    public bool Equals(CidrLists? other) => other is not null && Allow.SequenceEqual(other.Allow) && Deny.SequenceEqual(other.Deny);

    public override int GetHashCode() => HashCode.Combine(Allow.Count, Deny.Count);
}

/// <summary>Who may connect: lists for the public listener, the admin listener and each service, and the proxies trusted to name the client.</summary>
public sealed record FirewallConfig
{
    public CidrLists Public { get; init; } = new();

    public CidrLists Admin { get; init; } = new();

    /// <summary>Per service name (the service's own lists apply after the listener's).</summary>
    public IReadOnlyDictionary<string, CidrLists> Services { get; init; } = new Dictionary<string, CidrLists>();

    /// <summary>
    /// Peers whose <c>X-Forwarded-For</c> / <c>Forwarded</c> headers are believed. From any other peer those
    /// headers are ignored: the TCP peer is the client.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    public bool Equals(FirewallConfig? other) => other is not null && Public == other.Public && Admin == other.Admin &&
        TrustedProxies.SequenceEqual(other.TrustedProxies) && Services.Count == other.Services.Count &&
        Services.All(s => other.Services.TryGetValue(s.Key, out var o) && o == s.Value);

    public override int GetHashCode() => HashCode.Combine(Public, Admin, TrustedProxies.Count, Services.Count);
}

/// <summary>Bounds refused before any other work, each with its own status.</summary>
public sealed record RequestLimitsConfig
{
    /// <summary>Most request headers (431 past it).</summary>
    public int MaxHeaders { get; init; } = 100;

    /// <summary>Largest total size of the request headers, names and values (431 past it).</summary>
    public long MaxHeaderSize { get; init; } = 32 * 1024;

    /// <summary>Longest request target, path and query (414 past it).</summary>
    public int MaxUrlLength { get; init; } = 8 * 1024;
}

/// <summary>fail2ban-style bans: too many refusals from one address within a window ban it, longer each time.</summary>
public sealed record BansConfig
{
    public bool Enabled { get; init; } = true;

    /// <summary>The window the counts below are taken over.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Intrusion-detection blocks within the window that ban.</summary>
    public int IdsBlocks { get; init; } = 5;

    /// <summary>Authentication failures (401) within the window that ban.</summary>
    public int AuthFailures { get; init; } = 10;

    /// <summary>Any 4xx answers within the window that ban.</summary>
    public int ClientErrors { get; init; } = 100;

    /// <summary>The first ban's length; each later ban of the same address doubles it, up to <see cref="MaxBanTime"/>.</summary>
    public TimeSpan BanTime { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan MaxBanTime { get; init; } = TimeSpan.FromDays(1);
}

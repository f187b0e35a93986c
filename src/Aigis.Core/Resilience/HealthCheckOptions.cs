namespace Aigis.Core.Resilience;

/// <summary>
/// A service's <c>health</c> section: active probes of each instance. <see cref="UnhealthyThreshold"/> failed probes
/// in a row take an instance out of rotation, <see cref="HealthyThreshold"/> passing ones in a row bring it back.
/// A probe passes when <c>GET</c> <see cref="Path"/> answers 2xx within <see cref="Timeout"/>.
/// </summary>
public sealed record HealthCheckOptions
{
    public const string DefaultPath = "/health";

    public string Path { get; init; } = DefaultPath;

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    public int HealthyThreshold { get; init; } = 2;

    public int UnhealthyThreshold { get; init; } = 3;
}

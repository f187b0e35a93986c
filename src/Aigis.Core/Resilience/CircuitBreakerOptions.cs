namespace Aigis.Core.Resilience;

/// <summary>
/// A service's <c>circuitBreaker</c> section, applied to each of its instances: when at least
/// <see cref="MinimumThroughput"/> attempts within <see cref="SamplingDuration"/> failed at a ratio of
/// <see cref="FailureRatio"/> or more, the instance's breaker opens for <see cref="BreakDuration"/>, then lets one
/// trial request through (half-open) that closes it on success or opens it again on failure. Polly's model.
/// </summary>
public sealed record CircuitBreakerOptions
{
    /// <summary>Share of failed attempts, 0 to 1, that opens the breaker.</summary>
    public double FailureRatio { get; init; } = 0.5;

    /// <summary>Fewest attempts in a sampling window before the ratio counts.</summary>
    public int MinimumThroughput { get; init; } = 10;

    /// <summary>The window over which the ratio is measured.</summary>
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an open breaker keeps the instance out before a trial request.</summary>
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(5);
}

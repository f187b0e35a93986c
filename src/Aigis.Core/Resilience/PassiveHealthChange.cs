namespace Aigis.Core.Resilience;

/// <summary>What one recorded outcome changed about an instance, for the caller to log and count.</summary>
/// <param name="EjectedFor">The length of a new ejection; null when none started.</param>
/// <param name="EjectionCapped">The outcome reached a threshold but the service already had its most instances ejected.</param>
/// <param name="Breaker">The breaker's new state when it changed.</param>
public readonly record struct PassiveHealthChange(TimeSpan? EjectedFor, bool EjectionCapped, CircuitState? Breaker)
{
    public bool IsNone => EjectedFor is null && !EjectionCapped && Breaker is null;
}

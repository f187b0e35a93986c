namespace Aigis.Core.Resilience;

public enum CircuitState
{
    Closed,
    Open,
    HalfOpen,
}

namespace Aigis.Core.Resilience;

/// <summary>
/// A service's <c>retries</c> section. A failed attempt is retried on another instance only when it is safe (connect
/// failure, 502/503/504, or a reset before any response byte reached the client), and only while the service's retry
/// budget allows: retries may add at most <see cref="BudgetPercent"/> percent to the requests of the last
/// <see cref="BudgetWindow"/>, plus <see cref="MinRetriesPerSecond"/> so a quiet service can still retry (Linkerd's
/// and Envoy's retry budgets). The budget is what keeps retries from multiplying the load on a failing service.
/// </summary>
public sealed record RetryOptions
{
    /// <summary>Attempts in all, the first included; 1 turns retries off.</summary>
    public int Attempts { get; init; } = 3;

    public int BudgetPercent { get; init; } = 20;

    public int MinRetriesPerSecond { get; init; } = 3;

    public TimeSpan BudgetWindow { get; init; } = TimeSpan.FromSeconds(10);
}

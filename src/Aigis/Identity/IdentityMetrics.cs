using System.Diagnostics.Metrics;

namespace Aigis.Identity;

/// <summary>
/// Counters of the identity and limits stages, on the meter <c>Aigis.Identity</c>. Labels are bounded sets
/// (error codes, listener, scope, limit kind); never a tenant, key or path.
/// </summary>
internal sealed class IdentityMetrics
{
    public const string MeterName = "Aigis.Identity";

    private readonly Meter _meter;

    /// <summary>This instance's meter (one per gateway), so a test listens to its own gateway only.</summary>
    public Meter Meter => _meter;
    private readonly Counter<long> _authRefusals;
    private readonly Counter<long> _accessRefusals;
    private readonly Counter<long> _limitRefusals;
    private readonly Counter<long> _tokens;
    private readonly Counter<long> _spend;
    private readonly Counter<long> _limitStoreFailures;

    /// <param name="meters">The host's meter factory: the meter is this host's own, and goes with the factory.</param>
    public IdentityMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _authRefusals = _meter.CreateCounter<long>("aigis.auth.refusals", description: "Requests refused by authentication, by listener and error code.");
        _accessRefusals = _meter.CreateCounter<long>("aigis.access.refusals", description: "Requests refused by authorization, by error code.");
        _limitRefusals = _meter.CreateCounter<long>("aigis.limit.refusals", description: "Requests refused by rate limits and budgets, by scope (tenant, key) and limit (rpm, tpm, tpd, concurrency, budget).");
        _tokens = _meter.CreateCounter<long>("aigis.tokens", description: "Tokens charged, by kind (prompt, completion).");
        _limitStoreFailures = _meter.CreateCounter<long>("aigis.limit.store_failures",
            description: "Limit decisions the shared store (Redis) could not make in time, by limit (requests, tokens) and the policy applied (fail-open, fail-closed).");
        _spend = _meter.CreateCounter<long>("aigis.spend.microdollars", unit: "{microdollar}", description: "Spend charged at the configured prices, in millionths of a US dollar.");
    }

    public void AuthRefused(string listener, string code) =>
        _authRefusals.Add(1, new KeyValuePair<string, object?>("listener", listener), new KeyValuePair<string, object?>("code", code));

    public void AccessRefused(string code) => _accessRefusals.Add(1, new KeyValuePair<string, object?>("code", code));

    public void LimitRefused(string scope, string limit) =>
        _limitRefusals.Add(1, new KeyValuePair<string, object?>("scope", scope), new KeyValuePair<string, object?>("limit", limit));

    public void LimitStoreFailure(string limit, string policy) =>
        _limitStoreFailures.Add(1, new KeyValuePair<string, object?>("limit", limit), new KeyValuePair<string, object?>("policy", policy));

    public void Charged(long promptTokens, long completionTokens, long costMicros)
    {
        _tokens.Add(promptTokens, new KeyValuePair<string, object?>("kind", "prompt"));
        _tokens.Add(completionTokens, new KeyValuePair<string, object?>("kind", "completion"));
        _spend.Add(costMicros);
    }

}

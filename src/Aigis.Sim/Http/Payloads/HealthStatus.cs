namespace Aigis.Sim.Http.Payloads;

/// <summary>The body of GET /health.</summary>
internal sealed record HealthStatus(string Status);

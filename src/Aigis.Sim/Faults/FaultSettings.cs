using System.ComponentModel.DataAnnotations;

namespace Aigis.Sim.Faults;

/// <summary>The faults injected into model requests: one immutable value, always replaced whole.</summary>
/// <remarks>
/// Set at startup from the --fault-* flags and at run time by POST /admin/faults, whose JSON uses
/// the same fields in snake_case. Faults touch the model endpoints only, never /health, /metrics or /admin.
/// </remarks>
internal sealed record FaultSettings
{
    /// <summary>Longest added latency: ten minutes, longer than any sane client timeout.</summary>
    public const int MaxLatencyMs = 600_000;

    /// <summary>No faults: every request is served normally.</summary>
    public static FaultSettings None { get; } = new();

    /// <summary>Share of model requests answered with <see cref="ErrorStatus"/> instead, from 0 to 1. Default 0.</summary>
    [Range(0.0, 1.0)]
    public double ErrorRate { get; init; }

    /// <summary>HTTP status of an injected error, 400 to 599. Default 500.</summary>
    [Range(400, 599)]
    public int ErrorStatus { get; init; } = 500;

    /// <summary>Real milliseconds waited before answering (not divided by the time scale: it stands for a slow network or host). Default 0.</summary>
    [Range(0, MaxLatencyMs)]
    public int LatencyMs { get; init; }

    /// <summary>Accept model requests and never answer them until the client leaves. Default false.</summary>
    public bool Hang { get; init; }

    /// <summary>The process exits with code 1 when this many model requests have arrived since the faults were set; null never.</summary>
    [Range(1, int.MaxValue)]
    public int? CrashAfter { get; init; }

    /// <summary>A streamed answer's connection is closed mid-response after this many events (0: before the first; [DONE] counts); null never.</summary>
    [Range(0, int.MaxValue)]
    public int? StreamCutAfter { get; init; }

    /// <summary>A streamed answer gets a data line that is not JSON after its first event. Default false.</summary>
    public bool MalformedStream { get; init; }
}

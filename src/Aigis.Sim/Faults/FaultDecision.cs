namespace Aigis.Sim.Faults;

/// <summary>What happens to one model request, decided when it arrives.</summary>
/// <param name="RequestNumber">Its number among model requests since the faults were set, from 1.</param>
/// <param name="Crash">The process crashes instead of answering.</param>
/// <param name="Hang">The request is never answered.</param>
/// <param name="Latency">Real time waited before answering.</param>
/// <param name="ErrorStatus">The injected error's status, or 0 to serve the request.</param>
/// <param name="StreamCutAfter">Events after which a streamed answer is cut, if any.</param>
/// <param name="MalformedStream">A streamed answer gets a non-JSON data line.</param>
internal readonly record struct FaultDecision(
    long RequestNumber,
    bool Crash,
    bool Hang,
    TimeSpan Latency,
    int ErrorStatus,
    int? StreamCutAfter,
    bool MalformedStream)
{
    /// <summary>Whether a streamed answer needs a <see cref="StreamFaultPlan"/>.</summary>
    public bool AltersStream => StreamCutAfter is not null || MalformedStream;
}

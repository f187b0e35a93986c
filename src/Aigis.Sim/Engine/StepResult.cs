namespace Aigis.Sim.Engine;

/// <summary>Something a step produced for one request.</summary>
internal readonly record struct TokenEvent(EngineRequest Request, bool Finished);

/// <summary>
/// What one step did. The lists belong to the engine and are reused by its next step: read them before stepping again.
/// </summary>
internal sealed class StepResult
{
    internal List<TokenEvent> Events { get; } = [];

    internal List<EngineRequest> Preempted { get; } = [];

    /// <summary>When the step started and ended, in engine milliseconds.</summary>
    public double StartMs { get; internal set; }

    public double EndMs { get; internal set; }

    public int PrefillTokens { get; internal set; }

    public int DecodeSequences { get; internal set; }

    /// <summary>False when there was nothing to run: no time passed.</summary>
    public bool DidWork => EndMs > StartMs;

    internal void Reset(double startMs)
    {
        Events.Clear();
        Preempted.Clear();
        StartMs = startMs;
        EndMs = startMs;
        PrefillTokens = 0;
        DecodeSequences = 0;
    }
}

namespace Aigis.Sim.Faults;

/// <summary>The kinds of injected fault, as counted in aigis_sim:faults_injected_total.</summary>
internal enum FaultKind
{
    Error,
    Latency,
    Hang,
    Crash,
    StreamCut,
    MalformedStream,
}

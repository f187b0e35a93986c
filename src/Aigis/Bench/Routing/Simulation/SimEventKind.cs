namespace Aigis.Bench.Routing.Simulation;

/// <summary>What happens at an event. At equal times they are handled in this order: a step's tokens are
/// delivered before a scrape reads the fleet, and both before a new arrival is balanced.</summary>
internal enum SimEventKind : byte
{
    StepEnd = 0,
    Scrape = 1,
    Arrival = 2,

    /// <summary>A replica finished its cold start (the autoscale bench).</summary>
    ReplicaReady = 3,

    /// <summary>The autoscaler's control loop runs (the autoscale bench).</summary>
    ControlTick = 4,
}

namespace Aigis.Bench.Routing.Simulation;

/// <summary>What happens at an event. At equal times they are handled in this order: a step's tokens are
/// delivered before a scrape reads the fleet, and both before a new arrival is balanced.</summary>
internal enum SimEventKind : byte
{
    StepEnd = 0,
    Scrape = 1,
    Arrival = 2,
}

namespace Aigis.Sim.Engine;

/// <summary>Runs an engine over a list of arrivals in virtual time: as fast as the CPU allows, exactly reproducible.</summary>
internal static class VirtualTimeRunner
{
    /// <summary>Feeds <paramref name="arrivals"/> (sorted by arrival time) to <paramref name="engine"/> and runs until all finish.</summary>
    /// <returns>The virtual time at which the last request finished, in ms.</returns>
    public static double Run(EngineCore engine, IReadOnlyList<EngineRequest> arrivals)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(arrivals);
        var now = 0.0;
        var next = 0;
        while (next < arrivals.Count || engine.HasWork)
        {
            while (next < arrivals.Count && arrivals[next].ArrivalMs <= now)
            {
                engine.Add(arrivals[next++]);
            }

            if (!engine.HasWork)
            {
                now = arrivals[next].ArrivalMs;
                continue;
            }

            var step = engine.Step(now);
            if (!step.DidWork)
            {
                throw new InvalidOperationException("The engine has waiting work but could schedule none; a request must be larger than the cache.");
            }

            now = step.EndMs;
        }

        return now;
    }
}

using Aigis.Sim.Engine;

namespace Aigis.Bench.Routing.Simulation;

/// <summary>
/// How many requests per second one replica completes on a workload when it is saturated: every request arrives
/// at once and the engine runs them all in virtual time. The fleet's capacity is that times the replica count,
/// the rate <c>--load</c> is a fraction of.
/// </summary>
internal static class CapacityProbe
{
    public static double RequestsPerSecond(PreparedWorkload workload, EngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(options);
        var engine = new EngineCore(options);

        // Admission only ever looks at the head of the queue and admits at most a batch per step, so a backlog
        // longer than a batch behaves as if every request were queued, without holding every prompt's hash chain.
        var backlog = 2 * options.MaxRunningRequests;
        var next = 0;
        var completed = 0;
        var now = 0.0;
        while (completed < workload.Count)
        {
            while (next < workload.Count && engine.WaitingCount < backlog)
            {
                var chain = workload.Chains.Chain(workload.PromptNode[next]);
                engine.Add(new EngineRequest(next, workload.PromptTokens[next], chain, workload.MaxTokens[next], 0));
                next++;
            }

            var step = engine.Step(now);
            if (!step.DidWork)
            {
                throw new InvalidOperationException("The engine has waiting work but could schedule none.");
            }

            foreach (var tokenEvent in step.Events)
            {
                if (tokenEvent.Finished)
                {
                    completed++;
                }
            }

            now = step.EndMs;
        }

        return completed / (now / 1000);
    }
}

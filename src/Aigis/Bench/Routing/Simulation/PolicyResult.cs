namespace Aigis.Bench.Routing.Simulation;

/// <summary>What one policy achieved on the workload: the benchmark's contract columns, then diagnostics.</summary>
/// <param name="Policy">The policy's name.</param>
/// <param name="Requests">Requests completed (all of the workload's).</param>
/// <param name="TokensPerSecond">Output tokens over the virtual makespan (first arrival to last completion).</param>
/// <param name="PrefixHitRate">Prompt tokens served from the replicas' prefix caches over prompt tokens looked up.</param>
/// <param name="Preemptions">Requests the engines preempted (and recomputed), summed over replicas.</param>
/// <param name="DispatchImbalance">Requests sent to the busiest replica over the mean per replica (1 is perfectly even).</param>
/// <param name="MeanWaiting">Scraped waiting requests, averaged over replicas and scrapes.</param>
/// <param name="MeanMaxWaiting">The most waiting requests on any one replica at a scrape, averaged over scrapes.</param>
internal sealed record PolicyResult(
    string Policy,
    int Requests,
    double TtftP50Ms,
    double TtftP90Ms,
    double TtftP99Ms,
    double E2eP50Ms,
    double E2eP99Ms,
    double TokensPerSecond,
    double PrefixHitRate,
    long Preemptions,
    double DispatchImbalance,
    double MeanWaiting,
    double MeanMaxWaiting);

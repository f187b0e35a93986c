using Aigis.Core.Routing;
using Aigis.Sim.Engine;

namespace Aigis.Bench.Routing.Simulation;

/// <summary>
/// One simulated model server: its engine, the gateway's <see cref="UpstreamInstance"/> for it, and the metrics it
/// would expose on <c>/metrics</c>, which change only when a step ends (as a real server's stats do).
/// </summary>
internal sealed class SimReplica
{
    private int _pendingWaiting;
    private int _pendingRunning;
    private double _pendingKvUsage;

    public SimReplica(int index, EngineOptions options, TimeProvider clock)
    {
        Index = index;
        Engine = new EngineCore(options);
        Instance = new UpstreamInstance("bench", $"replica-{index}", new Uri($"http://replica-{index}.bench.invalid/"), clock);
    }

    public int Index { get; }

    public EngineCore Engine { get; }

    public UpstreamInstance Instance { get; }

    /// <summary>The step in progress (its token events are delivered when it ends), or null when idle.</summary>
    public StepResult? CurrentStep { get; private set; }

    public int ExposedWaiting { get; private set; }

    public int ExposedRunning { get; private set; }

    public double ExposedKvUsage { get; private set; }

    /// <summary>Requests the gateway sent here.</summary>
    public int Dispatched { get; set; }

    /// <summary>
    /// Starts a step at <paramref name="nowMs"/>. The engine computes the step at once; what it did becomes
    /// visible (tokens, metrics) only at <see cref="EndStep"/>.
    /// </summary>
    /// <returns>When the step ends.</returns>
    public double BeginStep(double nowMs)
    {
        var step = Engine.Step(nowMs);
        if (!step.DidWork)
        {
            throw new InvalidOperationException($"replica-{Index} has waiting work but could schedule none.");
        }

        CurrentStep = step;
        _pendingWaiting = Engine.WaitingCount;
        _pendingRunning = Engine.RunningCount;
        _pendingKvUsage = Engine.KvCacheUsage;
        return step.EndMs;
    }

    /// <summary>Ends the current step: its metrics become what a scrape sees. Returns its result (valid until the next step).</summary>
    public StepResult EndStep()
    {
        var step = CurrentStep ?? throw new InvalidOperationException($"replica-{Index} has no step in progress.");
        CurrentStep = null;
        ExposedWaiting = _pendingWaiting;
        ExposedRunning = _pendingRunning;
        ExposedKvUsage = _pendingKvUsage;
        return step;
    }
}

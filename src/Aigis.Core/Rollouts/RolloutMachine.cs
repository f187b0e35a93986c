namespace Aigis.Core.Rollouts;

/// <summary>
/// The decisions of one rollout, without any of its doing: which replica slot is replaced next, when an analysis
/// window ends, and what a window's verdict or a failed start means. The runtime does what each call returns and
/// reports back. Every decision is written to <see cref="Steps"/>, the history people read.
/// </summary>
/// <remarks>
/// Slots are replaced one at a time, in order. A new replica that never becomes healthy (it exits, or its start times
/// out) fails the rollout at once, before any request was sent to it. A healthy one is judged over
/// <see cref="RolloutOptions.Windows"/> windows; the first failed window rolls back, so a bad version is undone within
/// that many windows of its first replica becoming healthy. An inconclusive window (too little traffic) counts towards
/// the windows but neither passes nor fails: a service nobody calls is promoted on health alone, and the history says so.
/// </remarks>
public sealed class RolloutMachine
{
    private readonly RolloutOptions _options;
    private readonly TimeProvider _time;
    private readonly List<RolloutStep> _steps = [];
    private long _windowEndsAt;
    private int _windowsJudged;
    private int _inconclusive;

    public RolloutMachine(int replicas, RolloutOptions options, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(replicas);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        Replicas = replicas;
        _options = options;
        _time = time;
    }

    public int Replicas { get; }

    public RolloutPhase Phase { get; private set; } = RolloutPhase.Starting;

    /// <summary>The slot being replaced (from 0).</summary>
    public int Slot { get; private set; }

    /// <summary>The window under way (from 1) while <see cref="RolloutPhase.Analyzing"/>.</summary>
    public int Window => _windowsJudged + 1;

    /// <summary>Why the rollout failed, once it has.</summary>
    public string? Reason { get; private set; }

    public bool IsFinal => Phase is RolloutPhase.Succeeded or RolloutPhase.RolledBack or RolloutPhase.Aborted;

    public IReadOnlyList<RolloutStep> Steps => _steps;

    /// <summary>True once the window under way has ended and its verdict is due.</summary>
    public bool IsWindowDue => Phase == RolloutPhase.Analyzing && _time.GetTimestamp() >= _windowEndsAt;

    /// <summary>How long until the window under way ends (zero when due).</summary>
    public TimeSpan UntilWindowEnds =>
        Phase != RolloutPhase.Analyzing ? TimeSpan.Zero : _time.GetElapsedTime(_time.GetTimestamp(), Math.Max(_windowEndsAt, _time.GetTimestamp()));

    /// <summary>The first action: start the new version's first replica.</summary>
    public RolloutAction Begin()
    {
        Record(RolloutPhase.Starting, 0, $"starting new replica 1 of {Replicas}");
        return RolloutAction.StartReplica;
    }

    /// <summary>How the start of the slot's new replica went: null when it is healthy, else why it failed.</summary>
    public RolloutAction OnReplicaStarted(string? failure)
    {
        Expect(RolloutPhase.Starting);
        if (failure is not null)
        {
            return Fail($"new replica {Slot + 1} did not start: {failure}; no request was sent to it", window: 0);
        }

        Phase = RolloutPhase.Analyzing;
        _windowsJudged = 0;
        _inconclusive = 0;
        StartWindow();
        Record(RolloutPhase.Analyzing, Slot, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"new replica {Slot + 1} is healthy and takes {_options.CanaryShare:0.###} of the traffic; judging it over {_options.Windows} windows of {_options.AnalysisWindow.TotalSeconds:0.###}s"));
        return RolloutAction.None;
    }

    /// <summary>The verdict of the window that just ended (<see cref="IsWindowDue"/>).</summary>
    public RolloutAction OnWindowEnded(WindowVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        Expect(RolloutPhase.Analyzing);
        var window = ++_windowsJudged;
        if (verdict.Outcome == WindowOutcome.Failed)
        {
            return Fail($"new replica {Slot + 1}, window {window}: {verdict.Reason}", window);
        }

        _inconclusive += verdict.Outcome == WindowOutcome.Inconclusive ? 1 : 0;
        Record(RolloutPhase.Analyzing, Slot, window, $"window {window} {(verdict.Outcome == WindowOutcome.Passed ? "passed" : "inconclusive")}: {verdict.Reason}");
        if (window < _options.Windows)
        {
            StartWindow();
            return RolloutAction.None;
        }

        if (_inconclusive == window)
        {
            Record(RolloutPhase.Analyzing, Slot, $"new replica {Slot + 1} promoted on health alone: too little traffic to judge it in any window");
        }

        return RolloutAction.Promote;
    }

    /// <summary>The judged replica now serves in full; returns what is next: the next slot, or completion.</summary>
    public RolloutAction OnPromoted()
    {
        Expect(RolloutPhase.Analyzing);
        Record(RolloutPhase.Analyzing, Slot, $"new replica {Slot + 1} of {Replicas} promoted");
        if (Slot + 1 == Replicas)
        {
            Phase = RolloutPhase.Succeeded;
            Record(RolloutPhase.Succeeded, -1, "every replica runs the new version");
            return RolloutAction.Complete;
        }

        Slot++;
        Phase = RolloutPhase.Starting;
        Record(RolloutPhase.Starting, Slot, $"starting new replica {Slot + 1} of {Replicas}");
        return RolloutAction.StartReplica;
    }

    /// <summary>The replica under judgement stopped serving (it exited, or its health checks failed).</summary>
    public RolloutAction OnCanaryLost(string why)
    {
        Expect(RolloutPhase.Analyzing);
        return Fail($"new replica {Slot + 1} stopped serving while judged: {why}", window: 0);
    }

    /// <summary>The previous version runs again on every slot.</summary>
    public void OnRolledBack()
    {
        Expect(RolloutPhase.RollingBack);
        Phase = RolloutPhase.RolledBack;
        Record(RolloutPhase.RolledBack, -1, "rolled back: the previous version runs on every replica");
    }

    /// <summary>Stopped from outside; <paramref name="why"/> says by what.</summary>
    public void Abort(string why)
    {
        if (IsFinal)
        {
            return;
        }

        Reason ??= why;
        Phase = RolloutPhase.Aborted;
        Record(RolloutPhase.Aborted, -1, $"aborted: {why}");
    }

    private RolloutAction Fail(string reason, int window)
    {
        Reason = reason;
        Phase = RolloutPhase.RollingBack;
        Record(RolloutPhase.RollingBack, Slot, window, $"rolling back: {reason}");
        return RolloutAction.RollBack;
    }

    private void StartWindow() =>
        _windowEndsAt = _time.GetTimestamp() + (long)(_options.AnalysisWindow.TotalSeconds * _time.TimestampFrequency);

    private void Expect(RolloutPhase phase)
    {
        if (Phase != phase)
        {
            throw new InvalidOperationException($"the rollout is {Phase}, not {phase}");
        }
    }

    private void Record(RolloutPhase phase, int slot, string message) => Record(phase, slot, 0, message);

    private void Record(RolloutPhase phase, int slot, int window, string message) =>
        _steps.Add(new RolloutStep(_time.GetUtcNow(), phase, slot, window, message));
}

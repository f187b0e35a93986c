namespace Aigis.Core.Autoscaling;

/// <summary>
/// <c>kpa</c>: Knative's autoscaler. Total requests in flight, averaged over a stable window (60 s) and a panic
/// window (6 s); replicas = ceil(average / target per replica).
/// </summary>
/// <remarks>
/// Panic mode as Knative's decider has it: when the panic window asks for at least the panic threshold (200%) of
/// the ready replicas, it panics; while panicking it follows the panic window upward only and never scales down,
/// until the threshold has not been crossed for a whole stable window. Changes are limited per tick (up by
/// MaxScaleUpRate x ready, down to ready / MaxScaleDownRate). Requests held at the gateway count as in flight (the
/// activator's view), so a service at zero scales from zero on the first one.
/// </remarks>
internal sealed class KpaPolicy : IAutoscalingPolicy
{
    private readonly KpaOptions _options;
    private readonly TimeProvider _time;
    private readonly MetricWindow _concurrency;
    private long? _panicSince;
    private int _maxPanicReplicas;
    private long? _lastTraffic;

    public KpaPolicy(KpaOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        OptionsCheck.ThrowIfInvalid(options.Problems(), nameof(KpaOptions));
        _options = options;
        _time = time;
        _concurrency = new MetricWindow(time, options.StableWindow);
    }

    public string Name => AutoscalingNames.Kpa;

    public TimeSpan Period => _options.Period;

    public bool Panicking => _panicSince is not null;

    public ScalingDecision Decide(AutoscalerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = _time.GetTimestamp();
        var current = input.Replicas;
        var observed = input.TotalInFlight;
        _concurrency.Add(now, observed);
        if (observed > 0 || input.ArrivalsPerSecond > 0)
        {
            _lastTraffic = now;
        }

        var stable = _concurrency.Average(now, _options.StableWindow);
        var panic = _concurrency.Average(now, _options.PanicWindow);
        var target = _options.TargetPerReplica;
        var ready = Math.Max(1, input.ReadyReplicas);
        var most = (int)Math.Ceiling(ready * _options.MaxScaleUpRate);
        var least = (int)Math.Floor(ready / _options.MaxScaleDownRate);
        var stableWants = Math.Clamp((int)Math.Ceiling(stable / target), least, most);
        var panicWants = Math.Clamp((int)Math.Ceiling(panic / target), least, most);

        var overPanic = panicWants / (double)ready >= _options.PanicThreshold;
        if (overPanic && _panicSince is null)
        {
            _panicSince = now;
        }
        else if (overPanic)
        {
            _panicSince = now;
        }
        else if (_panicSince is { } since && _time.GetElapsedTime(since, now) >= _options.StableWindow)
        {
            _panicSince = null;
            _maxPanicReplicas = 0;
        }

        int desired;
        ScalingReason reason;
        if (_panicSince is not null)
        {
            desired = Math.Max(Math.Max(panicWants, _maxPanicReplicas), current);
            _maxPanicReplicas = desired;
            reason = ScalingReason.Panic;
        }
        else
        {
            desired = stableWants;
            reason = desired > current ? ScalingReason.ScaleUp : desired < current ? ScalingReason.ScaleDown : ScalingReason.WithinTolerance;
        }

        if (_options.MinReplicas == 0 && observed == 0 && (_lastTraffic is null || _time.GetElapsedTime(_lastTraffic.Value, now) >= _options.ScaleToZeroGrace))
        {
            (desired, reason) = (0, ScalingReason.ScaleToZero);
        }
        else if (current == 0 && input.HeldRequests > 0)
        {
            (desired, reason) = (Math.Max(1, desired), ScalingReason.ScaleFromZero);
        }

        var final = Math.Clamp(desired, _options.MinReplicas, _options.MaxReplicas);
        if (final != desired)
        {
            reason = final == _options.MinReplicas ? ScalingReason.AtMinimum : ScalingReason.AtMaximum;
        }

        return new ScalingDecision(_time.GetUtcNow(), Name, current, final, reason, observed, target, _panicSince is null ? stableWants : panicWants);
    }
}

namespace Aigis.Core.Autoscaling;

/// <summary>
/// <c>hpa</c>: Kubernetes' Horizontal Pod Autoscaler on a per-replica average (requests in flight).
/// </summary>
/// <remarks>
/// As the HPA controller computes it: the average over ready replicas that report the metric, a ratio to the
/// target; within the tolerance nothing changes, else <c>ceil(ratio x replicas)</c>. Replicas without the metric do
/// not block the decision: scaling up they count as 0 and starting replicas count as 0 too, scaling down they count
/// as exactly at target, so a gap can only make the change smaller, never reverse it. Recommendations then pass the
/// stabilization windows (up: the smallest of the window, down: the largest) and the per-period change limits, and
/// are bounded by min and max.
/// </remarks>
internal sealed class HpaPolicy : IAutoscalingPolicy
{
    private readonly HpaOptions _options;
    private readonly TimeProvider _time;
    private readonly MetricWindow _recommendations;
    private readonly Queue<(long At, int Change)> _changes = new();

    public HpaPolicy(HpaOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        OptionsCheck.ThrowIfInvalid(options.Problems(), nameof(HpaOptions));
        _options = options;
        _time = time;
        var keep = options.ScaleUpStabilization > options.ScaleDownStabilization ? options.ScaleUpStabilization : options.ScaleDownStabilization;
        _recommendations = new MetricWindow(time, keep);
    }

    public string Name => AutoscalingNames.Hpa;

    public TimeSpan Period => _options.Period;

    public ScalingDecision Decide(AutoscalerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = _time.GetTimestamp();
        var current = input.Replicas;
        if (_recommendations.Count == 0)
        {
            // As the HPA controller does for an autoscaler it sees first: the window starts out holding the current
            // count, so a fresh autoscaler does not scale down on its first look.
            // Dated just before now, so it holds scale-downs back without holding back a scale-up that needs no window.
            _recommendations.Add(now - 1, current);
        }

        var (usage, recommendation) = Recommend(input);
        var bounded = Math.Clamp(recommendation, _options.MinReplicas, _options.MaxReplicas);
        _recommendations.Add(now, bounded);

        var up = (int)_recommendations.Min(now, _options.ScaleUpStabilization, bounded);
        var down = (int)_recommendations.Max(now, _options.ScaleDownStabilization, bounded);
        var desired = up > current ? up : down < current ? down : current;
        var reason = desired == current
            ? (bounded == current ? ScalingReason.WithinTolerance : ScalingReason.Stabilized)
            : desired > current ? ScalingReason.ScaleUp : ScalingReason.ScaleDown;

        var limited = Limit(now, current, desired);
        if (limited != desired)
        {
            (desired, reason) = (limited, ScalingReason.RateLimited);
        }

        var final = Math.Clamp(desired, _options.MinReplicas, _options.MaxReplicas);
        if (final != desired)
        {
            reason = final == _options.MinReplicas ? ScalingReason.AtMinimum : ScalingReason.AtMaximum;
        }

        if (final != current)
        {
            _changes.Enqueue((now, final - current));
        }

        return new ScalingDecision(_time.GetUtcNow(), Name, current, final, reason, usage, _options.TargetPerReplica, recommendation);
    }

    /// <summary>The metric's per-replica average and what it asks for, with missing metrics filled as the controller fills them.</summary>
    private (double Usage, int Recommendation) Recommend(AutoscalerInput input)
    {
        var current = input.Replicas;
        double sum = 0;
        int reporting = 0, missing = 0, starting = 0;
        foreach (var sample in input.Samples)
        {
            if (!sample.Ready)
            {
                starting++;
            }
            else if (sample.InFlight is { } value)
            {
                sum += value;
                reporting++;
            }
            else
            {
                missing++;
            }
        }

        if (reporting == 0)
        {
            // Nothing to go on: hold, unless requests wait with no replica at all.
            return (0, current == 0 && input.HeldRequests > 0 ? 1 : current);
        }

        var target = _options.TargetPerReplica;
        var usage = sum / reporting;
        var ratio = usage / target;
        if (ratio > 1)
        {
            ratio = sum / ((reporting + missing + starting) * target);
            return (usage, ratio <= 1 + _options.Tolerance ? current : (int)Math.Ceiling(ratio * (reporting + missing + starting)));
        }

        ratio = (sum + (missing * target)) / ((reporting + missing) * target);
        return (usage, ratio >= 1 - _options.Tolerance ? current : (int)Math.Ceiling(ratio * (reporting + missing)));
    }

    /// <summary>HPA's scaling policies: from the count at the start of the period, up by max(percent, pods), down by percent.</summary>
    private int Limit(long now, int current, int desired)
    {
        var changed = 0;
        while (_changes.Count > 0 && _time.GetElapsedTime(_changes.Peek().At, now) >= _options.RatePeriod)
        {
            _changes.Dequeue();
        }

        foreach (var (_, change) in _changes)
        {
            changed += change;
        }

        var start = current - changed;
        if (desired > current)
        {
            var most = Math.Max((int)Math.Ceiling(start * (1 + (_options.ScaleUpPercent / 100.0))), start + _options.ScaleUpPods);
            return Math.Min(desired, Math.Max(most, current));
        }

        var least = (int)Math.Ceiling(start * (1 - (_options.ScaleDownPercent / 100.0)));
        return desired < current ? Math.Max(desired, Math.Min(least, current)) : desired;
    }
}

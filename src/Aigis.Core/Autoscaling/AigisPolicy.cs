namespace Aigis.Core.Autoscaling;

/// <summary>
/// <c>aigis</c>: scales an LLM service on the arrival rate it forecasts one cold start ahead, against a per-replica
/// capacity it corrects from the SLO, with an asymmetric hysteresis band.
/// </summary>
/// <remarks>
/// <para>Why the rate: an LLM server's requests in flight grow with its batch (decode steps slow as the batch
/// grows) and explode once it queues, so in flight against a fixed target reacts late and then overshoots. The
/// gateway counts arrivals exactly, whatever the replicas do. Arrivals per second are smoothed with Holt's linear
/// method (level and trend) and the policy provisions for the larger of the current level and the level one cold
/// start ahead, since a replica asked for now serves only then. A linear forecast overshoots every peak, so it is
/// bounded by the highest level of the last ten minutes (or a quarter above the current level). Without a
/// rate capacity (<see cref="AigisScalingOptions.RatePerReplica"/> 0) it scales on requests in flight instead.</para>
/// <para>Capacity: starts at <see cref="AigisScalingOptions.RatePerReplica"/> and is corrected from what the
/// servers show: when they queue (<c>vllm:num_requests_waiting</c>) or the time to first token nears the SLO, a
/// replica is believed to serve 5% less; when they run near capacity with no queue and first tokens far inside the
/// SLO, 1% more; bounded to [0.7, 1.3] x the configured rate.</para>
/// <para>Recent peaks: replicas never go below what the highest level of the last ten minutes needs at
/// <see cref="AigisScalingOptions.RecentPeakUtilization"/> x the rate capacity (near saturation), so a burst that
/// recurs (as bursts do) is absorbed by replicas running hot while more start, instead of by a queue.</para>
/// <para>Up at once, down slowly: more replicas on the first tick that needs them; fewer only when every
/// recommendation of the scale-down window agrees that the rest would run below
/// <see cref="AigisScalingOptions.ScaleDownUtilization"/>, and one replica at a time. That band keeps steady load
/// from flapping. Replicas without metrics do not block anything: the rate and the in-flight counts are the
/// gateway's own, and only the capacity correction reads scraped metrics, from the replicas that report them.</para>
/// </remarks>
internal sealed class AigisPolicy : IAutoscalingPolicy
{
    private const double LevelGain = 0.2;
    private const double TrendGain = 0.05;

    /// <summary>How far back the highest level seen bounds the forecast.</summary>
    private static readonly TimeSpan s_memory = TimeSpan.FromMinutes(10);
    private readonly AigisScalingOptions _options;
    private readonly TimeProvider _time;
    private readonly MetricWindow _downRecommendations;
    private readonly MetricWindow _levels;
    private double _level = double.NaN;
    private double _trend;
    private double _capacityFactor = 1;
    private long? _lastTraffic;

    public AigisPolicy(AigisScalingOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        OptionsCheck.ThrowIfInvalid(options.Problems(), nameof(AigisScalingOptions));
        _options = options;
        _time = time;
        _downRecommendations = new MetricWindow(time, options.ScaleDownWindow);
        _levels = new MetricWindow(time, s_memory);
    }

    public string Name => AutoscalingNames.Aigis;

    public TimeSpan Period => _options.Period;

    /// <summary>Requests per second a replica is currently believed to serve within the SLO.</summary>
    public double RatePerReplica => _options.RatePerReplica * _capacityFactor;

    public ScalingDecision Decide(AutoscalerInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var now = _time.GetTimestamp();
        var current = input.Replicas;
        var inFlight = input.TotalInFlight;
        var rate = input.ArrivalsPerSecond;
        if (inFlight > 0 || rate > 0)
        {
            _lastTraffic = now;
        }

        Learn(input, rate);
        _levels.Add(now, _level);

        // A linear forecast one cold start ahead overshoots every peak; bound it by what the last ten minutes
        // reached, or by a quarter above today's level where the rise is new.
        var bound = Math.Max(_levels.Max(now, s_memory, _level), 1.25 * _level);
        var ahead = Math.Clamp(_level + (_trend * _options.ColdStart.TotalSeconds), _level, bound);
        int upWants, downWants;
        double metric, target;
        if (RatePerReplica > 0)
        {
            // Requests in flight are not used here: they grow with the batch and balloon in a queue, so they would
            // over-ask exactly when replicas are already on their way. Queueing corrects the capacity instead.
            var recentPeak = (int)Math.Ceiling(_levels.Max(now, s_memory, _level) / (RatePerReplica * _options.RecentPeakUtilization));
            upWants = Math.Max(recentPeak, (int)Math.Ceiling(Math.Max(ahead, rate) / RatePerReplica));
            downWants = Math.Max(recentPeak, (int)Math.Ceiling(Math.Max(ahead, rate) / (RatePerReplica * _options.ScaleDownUtilization)));
            (metric, target) = (ahead, RatePerReplica);
        }
        else
        {
            upWants = (int)Math.Ceiling(inFlight / _options.TargetPerReplica);
            downWants = (int)Math.Ceiling(inFlight / (_options.TargetPerReplica * _options.ScaleDownUtilization));
            (metric, target) = (inFlight, _options.TargetPerReplica);
        }

        if (_downRecommendations.Count == 0)
        {
            // As HPA does: the window starts out holding the current count, so a fresh policy does not scale down at once.
            _downRecommendations.Add(now - 1, current);
        }

        _downRecommendations.Add(now, downWants);
        int desired;
        ScalingReason reason;
        if (upWants > current)
        {
            (desired, reason) = (upWants, ScalingReason.ScaleUp);
        }
        else if (_downRecommendations.Max(now, _options.ScaleDownWindow, current) < current && input.ReadyReplicas == current)
        {
            (desired, reason) = (current - 1, ScalingReason.ScaleDown);
        }
        else
        {
            (desired, reason) = (current, downWants < current ? ScalingReason.Stabilized : ScalingReason.WithinTolerance);
        }

        if (_options.MinReplicas == 0 && inFlight == 0 && rate == 0 && (_lastTraffic is null || _time.GetElapsedTime(_lastTraffic.Value, now) >= _options.ScaleToZeroGrace))
        {
            (desired, reason) = (0, ScalingReason.ScaleToZero);
        }
        else if (current == 0 && (input.HeldRequests > 0 || rate > 0))
        {
            (desired, reason) = (Math.Max(1, desired), ScalingReason.ScaleFromZero);
        }

        var final = Math.Clamp(desired, _options.MinReplicas, _options.MaxReplicas);
        if (final != desired)
        {
            reason = final == _options.MinReplicas ? ScalingReason.AtMinimum : ScalingReason.AtMaximum;
        }

        return new ScalingDecision(_time.GetUtcNow(), Name, current, final, reason, metric, target, upWants);
    }

    private void Learn(AutoscalerInput input, double rate)
    {
        var period = _options.Period.TotalSeconds;
        if (double.IsNaN(_level))
        {
            _level = rate;
        }
        else
        {
            var previous = _level;
            _level = (LevelGain * rate) + ((1 - LevelGain) * (_level + (_trend * period)));
            _trend = (TrendGain * ((_level - previous) / period)) + ((1 - TrendGain) * _trend);
        }

        var ready = input.ReadyReplicas;
        if (ready == 0 || RatePerReplica <= 0)
        {
            return;
        }

        double waiting = 0;
        var reporting = 0;
        foreach (var sample in input.Samples)
        {
            if (sample.Ready && sample.Waiting is { } queued)
            {
                waiting += queued;
                reporting++;
            }
        }

        var queuing = reporting > 0 && waiting / reporting >= 1;
        var ttft = input.TtftP90Ms;
        if (queuing || ttft > 0.8 * _options.SloTtftMs)
        {
            _capacityFactor = Math.Max(0.7, _capacityFactor * 0.95);
        }
        else if (reporting > 0 && waiting == 0 && rate / ready >= 0.8 * RatePerReplica && ttft < 0.4 * _options.SloTtftMs)
        {
            _capacityFactor = Math.Min(1.3, _capacityFactor * 1.01);
        }
    }
}

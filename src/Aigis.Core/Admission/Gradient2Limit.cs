namespace Aigis.Core.Admission;

/// <summary>
/// Netflix's Gradient2 concurrency limit: the limit follows the ratio of a long-term latency (the baseline) to the
/// latest window's latency.
/// </summary>
/// <remarks>
/// Each window:
/// <code>
/// gradient = clamp(rttTolerance * longRtt / shortRtt, 0.5, 1.0)
/// estimate = limit * gradient + growth(limit)
/// limit    = clamp(limit * (1 - smoothing) + estimate * smoothing, minLimit, maxLimit)
/// </code>
/// While latency stays within the tolerance of its baseline the gradient is 1 and the limit creeps up by
/// <c>growth(limit) * smoothing</c>, probing for headroom; when requests start to queue at the instance its latency
/// rises, the gradient falls below 1 and the limit shrinks (by at most half per window, so one slow outlier cannot
/// collapse it). The baseline is an average, not a minimum: a minimum latches onto an unrepresentatively fast answer
/// and sheds forever after (Netflix's finding; it holds even more for LLM answers of very different lengths). It is
/// an exponential moving average over <see cref="AdmissionOptions.LongWindow"/> windows so it follows real, lasting
/// changes; when it lags far behind a recovered latency (twice the latest) it is pulled down 10% a window so the
/// limit recovers quickly after an overload. A window in which the instance was far from its limit (fewer than half
/// the limit in flight) says nothing about the limit, so the limit holds: no growth while the caller is the bottleneck.
/// </remarks>
public sealed class Gradient2Limit : IConcurrencyLimit
{
    // Netflix's warm-up: the first windows are averaged plainly, so the baseline starts from real figures, not from 0.
    private const int WarmupWindows = 10;

    private readonly AdmissionOptions _options;
    private readonly double _longFactor;
    private double _estimate;
    private double _longRttTicks;
    private int _windows;

    public Gradient2Limit(AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _estimate = Math.Clamp(options.InitialLimit, options.MinLimit, options.MaxLimit);
        _longFactor = 2.0 / (options.LongWindow + 1);
    }

    public int Limit => (int)_estimate;

    /// <summary>The baseline latency, for diagnostics and tests.</summary>
    public TimeSpan LongRtt => TimeSpan.FromTicks((long)_longRttTicks);

    public int Update(TimeSpan rtt, int maxInFlight, bool dropped)
    {
        var shortRtt = Math.Max(1, rtt.Ticks);
        if (_windows < WarmupWindows)
        {
            _windows++;
            _longRttTicks += (shortRtt - _longRttTicks) / _windows;
        }
        else
        {
            _longRttTicks = (_longRttTicks * (1 - _longFactor)) + (shortRtt * _longFactor);
        }

        if (_longRttTicks / shortRtt > 2)
        {
            _longRttTicks *= 0.9;
        }

        if (maxInFlight < _estimate / 2)
        {
            return Limit;
        }

        var gradient = Math.Clamp(_options.RttTolerance * _longRttTicks / shortRtt, 0.5, 1.0);
        var next = (_estimate * gradient) + Growth(_estimate);
        next = (_estimate * (1 - _options.Smoothing)) + (next * _options.Smoothing);
        _estimate = Math.Clamp(next, _options.MinLimit, _options.MaxLimit);
        return Limit;
    }

    private double Growth(double limit) => _options.Growth switch
    {
        LimitGrowth.Constant => _options.GrowthConstant,
        LimitGrowth.Log10 => Math.Max(1, Math.Log10(limit)),
        _ => Math.Max(1, Math.Sqrt(limit)),
    };
}

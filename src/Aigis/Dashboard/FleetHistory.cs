using System.Text.Json;
using System.Threading.Channels;
using Aigis.Alerts;
using Aigis.Hosting;

namespace Aigis.Dashboard;

/// <summary>
/// The gateway's recent past for the dashboard: once a second it reads the fleet (route table, instance counters,
/// <see cref="FleetMeasurements"/>), keeps the sample in a ring of an hour, serializes it once and hands the same
/// bytes to every open stream. However many dashboards are open, the gateway does this work once a second.
/// </summary>
internal sealed class FleetHistory : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    public const int Capacity = 3600;

    // Rates are over this many samples back: steadier than one second, still quick to show a change.
    private const int RateWindow = 5;

    private readonly GatewayState _state;
    private readonly FleetMeasurements _measurements;
    private readonly AlertEvaluator _alerts;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _lock = new();
    private readonly FleetSample[] _ring = new FleetSample[Capacity];
    private readonly Dictionary<string, Queue<(long At, CounterReading Reading)>> _readings = new(StringComparer.Ordinal);
    private readonly List<Channel<byte[]>> _subscribers = [];
    private int _next;
    private int _count;

    public FleetHistory(GatewayState state, FleetMeasurements measurements, AlertEvaluator alerts, TimeProvider time)
    {
        _state = state;
        _measurements = measurements;
        _alerts = alerts;
        _time = time;
        _timer = time.CreateTimer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>Open streams now (for tests and the cost note).</summary>
    public int Subscribers
    {
        get
        {
            lock (_lock)
            {
                return _subscribers.Count;
            }
        }
    }

    /// <summary>The last <paramref name="count"/> samples, oldest first.</summary>
    public FleetSample[] Recent(int count)
    {
        lock (_lock)
        {
            var n = Math.Min(count, _count);
            var result = new FleetSample[n];
            for (var i = 0; i < n; i++)
            {
                result[i] = _ring[(_next - n + i + Capacity) % Capacity];
            }

            return result;
        }
    }

    /// <summary>A stream of serialized samples. A slow reader loses the oldest, never holds the sampler up.</summary>
    public ChannelReader<byte[]> Subscribe(out IDisposable subscription)
    {
        var channel = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(8) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        lock (_lock)
        {
            _subscribers.Add(channel);
        }

        subscription = new Unsubscriber(this, channel);
        return channel.Reader;
    }

    /// <summary>Takes one sample now (the timer calls this each second; tests call it to step).</summary>
    public void Sample()
    {
        var now = _time.GetTimestamp();
        var points = new List<ServicePoint>();
        double rps = 0, tokens = 0;
        lock (_lock)
        {
            foreach (var route in _state.Routes.ByName.Values.OrderBy(r => r.Name, StringComparer.Ordinal))
            {
                var reading = _measurements.Services.TryGetValue(route.Name, out var counters) ? counters.Read() : CounterReading.Zero;
                if (!_readings.TryGetValue(route.Name, out var past))
                {
                    _readings[route.Name] = past = new Queue<(long, CounterReading)>();
                }

                var (then, before) = past.Count > 0 ? past.Peek() : (now, reading);
                past.Enqueue((now, reading));
                if (past.Count > RateWindow)
                {
                    past.Dequeue();
                }

                var seconds = Math.Max(_time.GetElapsedTime(then, now).TotalSeconds, 1e-9);
                var requests = reading.Requests - before.Requests;
                var lookups = reading.CacheLookups - before.CacheLookups;
                int healthy = 0, inFlight = 0;
                foreach (var instance in route.Instances)
                {
                    healthy += instance.IsHealthy ? 1 : 0;
                    inFlight += instance.InFlight;
                }

                var point = new ServicePoint(
                    route.Name,
                    route.Config.Kind.ToString().ToLowerInvariant(),
                    route.Instances.Length,
                    healthy,
                    inFlight,
                    Rate(requests, seconds),
                    requests == 0 ? null : Math.Round((double)(reading.Errors - before.Errors) / requests, 4),
                    Rate(reading.Refused - before.Refused, seconds),
                    reading.TtftQuantileMs(before, 0.5),
                    reading.TtftQuantileMs(before, 0.99),
                    Rate(reading.OutputTokens - before.OutputTokens, seconds),
                    lookups == 0 ? null : Math.Round((double)(reading.CacheHits - before.CacheHits) / lookups, 4),
                    reading.Requests);
                rps += point.RequestsPerSecond;
                tokens += point.TokensPerSecond;
                points.Add(point);
            }

            var firing = _alerts.Active.Count(a => a.State == "firing");
            var sample = new FleetSample(_time.GetUtcNow(), points, firing, Math.Round(rps, 2), Math.Round(tokens, 1));
            _ring[_next] = sample;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);

            // One serialization per second, whatever the number of open dashboards.
            var bytes = JsonSerializer.SerializeToUtf8Bytes(sample, DashboardJsonContext.Default.FleetSample);
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryWrite(bytes);
            }
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }

    private static double Rate(long count, double seconds) => Math.Round(count / seconds, 2);

    private sealed class Unsubscriber(FleetHistory history, Channel<byte[]> channel) : IDisposable
    {
        public void Dispose()
        {
            lock (history._lock)
            {
                history._subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        }
    }
}

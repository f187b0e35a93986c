using Aigis.Core.Balancing;
using Aigis.Core.Metrics;
using Aigis.Core.Routing;
using Aigis.Hosting;
using Microsoft.Extensions.Logging;

namespace Aigis.Balancing;

/// <summary>
/// Scrapes each instance's Prometheus <c>/metrics</c> on an interval, for the services whose balancer reads load
/// (least-kv, prefix-aware), and hands the readings to the instances. A failed or slow scrape leaves the previous
/// reading to go stale, which the policies notice and fall back from; it is never an error for requests.
/// </summary>
internal sealed partial class InstanceMetricsScraper : ControlLoop
{
    /// <summary>How often the loop looks for instances due a scrape; each service scrapes at its own interval.</summary>
    private static readonly TimeSpan s_tick = TimeSpan.FromMilliseconds(50);

    // vLLM's names, with the pre-v1 name of the KV usage gauge as a fallback.
    private const string Waiting = "vllm:num_requests_waiting";
    private const string Running = "vllm:num_requests_running";
    private const string KvUsage = "vllm:kv_cache_usage_perc";
    private const string GpuCacheUsage = "vllm:gpu_cache_usage_perc";
    private static readonly string[] s_wanted = [Waiting, Running, KvUsage, GpuCacheUsage];

    private readonly GatewayState _state;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    // Per instance: when it was last scraped, and whether a scrape is running (never two at once).
    private readonly Dictionary<UpstreamInstance, long> _lastScrape = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<UpstreamInstance> _inProgress = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _lock = new();

    public InstanceMetricsScraper(GatewayState state, TimeProvider time, ILogger logger)
    {
        _state = state;
        _time = time;
        _logger = logger;
        _client = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            Timeout = TimeSpan.FromSeconds(2),
        };
    }

    public override void Dispose()
    {
        base.Dispose();
        _client.Dispose();
    }

    /// <summary>Starts a scrape of every instance whose service's interval has passed since its last one.</summary>
    internal void ScrapeDue(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        foreach (var route in _state.Routes.ByName.Values)
        {
            if (!LoadBalancingPolicyNames.UsesScrapedMetrics(route.Config.Balancer))
            {
                continue;
            }

            foreach (var instance in route.Instances)
            {
                lock (_lock)
                {
                    var due = !_lastScrape.TryGetValue(instance, out var last) || _time.GetElapsedTime(last, now) >= route.Config.Balancing.ScrapeInterval;
                    if (!due || !_inProgress.Add(instance))
                    {
                        continue;
                    }

                    _lastScrape[instance] = now;
                }

                _ = ScrapeAsync(instance, cancellationToken);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(s_tick, _time);
        do
        {
            ScrapeDue(cancellationToken);
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }

    private async Task ScrapeAsync(UpstreamInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            await ScrapeOneAsync(instance, cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                _inProgress.Remove(instance);
            }
        }
    }

    private async Task ScrapeOneAsync(UpstreamInstance instance, CancellationToken cancellationToken)
    {
        var inFlight = instance.InFlight;
        try
        {
            var text = await _client.GetStringAsync(new Uri(instance.Url, "/metrics"), cancellationToken);
            var values = PrometheusTextParser.SumByName(text, s_wanted);
            var kv = values.TryGetValue(KvUsage, out var usage) ? usage : values.GetValueOrDefault(GpuCacheUsage);
            instance.OnLoadScraped(new InstanceLoad(values.GetValueOrDefault(Waiting), values.GetValueOrDefault(Running), kv, _time.GetTimestamp(), inFlight));
        }
        catch (Exception e) when ((e is HttpRequestException || e is TaskCanceledException) && !cancellationToken.IsCancellationRequested)
        {
            // The reading goes stale and the policy stops trusting it; the request path is unaffected.
            Log.ScrapeFailed(_logger, instance.ServiceName, instance.Id, e.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(60, LogLevel.Debug, "Scraping /metrics of {Service} instance {InstanceId} failed: {Reason}")]
        public static partial void ScrapeFailed(ILogger logger, string service, string instanceId, string reason);
    }
}

using Aigis.Bench.Routing.Presets;
using Aigis.Bench.Routing.Simulation;
using Aigis.Bench.Routing.Workloads;
using Aigis.Core.Balancing;
using Aigis.Core.Routing;

namespace Aigis.Tests.Bench;

public sealed class RoutingSimulationTests
{
    private static readonly Lazy<PreparedWorkload> s_chat = new(() => Prepare(ChatSharedPrefixPreset.Name, ratePerSecond: 40));
    private static readonly Lazy<PreparedWorkload> s_uniform = new(() => Prepare(UniformPreset.Name, ratePerSecond: 60));

    public static TheoryData<string> Policies => [.. LoadBalancingPolicyNames.All];

    [Theory]
    [MemberData(nameof(Policies))]
    public void The_same_seed_gives_the_same_numbers_twice(string policy)
    {
        var settings = new RoutingSimulationSettings { Replicas = 4, Seed = 5 };

        var first = RoutingSimulation.Run(s_chat.Value, settings, policy);
        var again = RoutingSimulation.Run(s_chat.Value, settings, policy);

        Assert.Equal(first, again);
        Assert.Equal(s_chat.Value.Count, first.Requests);
        Assert.True(first.TtftP50Ms > 0 && first.TtftP50Ms <= first.TtftP90Ms && first.TtftP90Ms <= first.TtftP99Ms);
        Assert.True(first.E2eP50Ms >= first.TtftP50Ms && first.E2eP50Ms <= first.E2eP99Ms);
        Assert.InRange(first.PrefixHitRate, 0.01, 1);
        Assert.True(first.TokensPerSecond > 0);
    }

    [Fact]
    public void With_metrics_scraped_once_an_hour_least_kv_places_exactly_as_least_requests()
    {
        // Scraped once at the start, the metrics show every replica idle, then go stale after 3 s: least-kv can
        // only go by the gateway's in-flight counts, as least-requests does. Scraped every 250 ms they differ.
        var hourly = new RoutingSimulationSettings { Replicas = 4, ScrapeInterval = TimeSpan.FromHours(1) };
        var often = hourly with { ScrapeInterval = TimeSpan.FromMilliseconds(250) };

        var leastKv = RoutingSimulation.Run(s_uniform.Value, hourly, LoadBalancingPolicyNames.LeastKv);
        var leastRequests = RoutingSimulation.Run(s_uniform.Value, hourly, LoadBalancingPolicyNames.LeastRequests);
        var leastKvScraped = RoutingSimulation.Run(s_uniform.Value, often, LoadBalancingPolicyNames.LeastKv);

        Assert.Equal(leastRequests with { Policy = LoadBalancingPolicyNames.LeastKv }, leastKv);
        Assert.NotEqual(leastKv, leastKvScraped);
    }

    [Fact]
    public void Policies_see_scraped_load_that_changes_only_at_scrape_times()
    {
        var interval = TimeSpan.FromMilliseconds(250);
        var spy = (SpyPolicy?)null;
        var simulation = new RoutingSimulation(s_chat.Value, new RoutingSimulationSettings { Replicas = 3, ScrapeInterval = interval }, clock => spy = new SpyPolicy(clock));

        var result = simulation.Run();

        Assert.Equal(s_chat.Value.Count, result.Requests);
        Assert.Equal(s_chat.Value.Count, spy!.Picks);
        Assert.Empty(spy.Problems);
        Assert.True(spy.DistinctScrapes > 10, $"{spy.DistinctScrapes} scrapes seen");
        Assert.True(spy.SawQueuedWork, "some scrape showed running requests");
    }

    [Fact]
    public void A_prompt_of_100k_tokens_is_simulated()
    {
        var requests = new List<WorkloadRequest>
        {
            new(0, "big", [new PromptSegment("big", 100_000)], 10),
            new(50, "small", [new PromptSegment("small", 100)], 10),
            new(100_000, "big", [new PromptSegment("big", 100_000), new PromptSegment("more", 20)], 10),
        };
        var workload = PreparedWorkload.From(new Workload(requests), 16);

        var result = RoutingSimulation.Run(workload, new RoutingSimulationSettings { Replicas = 1 }, LoadBalancingPolicyNames.RoundRobin);

        Assert.Equal(3, result.Requests);

        // Prefill runs at about 43k tokens/s: the cold 100k-token prompt takes over 2 s; its second turn hits the cache.
        Assert.InRange(result.TtftP99Ms, 2_000, 4_000);
        Assert.InRange(result.PrefixHitRate, 0.49, 0.51);
    }

    [Fact]
    public void Rescaling_sets_the_mean_rate_and_keeps_the_order()
    {
        var workload = WorkloadPresets.Generate(BurstyPreset.Name, 1_000, seed: 2);

        var rescaled = workload.WithMeanRate(123);

        Assert.Equal(123, rescaled.MeanRatePerSecond, 0.01);
        Assert.Equal(workload.Requests.Select(r => r.Prompt), rescaled.Requests.Select(r => r.Prompt));
        Assert.Equal(rescaled.Requests.OrderBy(r => r.AtMs).Select(r => r.AtMs), rescaled.Requests.Select(r => r.AtMs));
    }

    [Fact]
    public void Capacity_is_what_one_saturated_replica_completes_per_second()
    {
        var shortAnswers = PreparedWorkload.From(new Workload([.. Enumerable.Range(0, 400).Select(i => new WorkloadRequest(i, null, [new PromptSegment($"p{i}", 200)], 20))]), 16);
        var longAnswers = PreparedWorkload.From(new Workload([.. Enumerable.Range(0, 400).Select(i => new WorkloadRequest(i, null, [new PromptSegment($"p{i}", 200)], 400))]), 16);

        var fast = CapacityProbe.RequestsPerSecond(shortAnswers, new());
        var slow = CapacityProbe.RequestsPerSecond(longAnswers, new());

        Assert.True(fast > 3 * slow, $"{fast:F1} vs {slow:F1} req/s");
        Assert.InRange(slow, 10, 200);
    }

    private static PreparedWorkload Prepare(string preset, double ratePerSecond) =>
        PreparedWorkload.From(WorkloadPresets.Generate(preset, 400, seed: 1, ratePerSecond), 16);

    /// <summary>Places like least-requests and checks, at every pick, what the instances show.</summary>
    private sealed class SpyPolicy(TimeProvider clock) : ILoadBalancingPolicy
    {
        private readonly Dictionary<(UpstreamInstance, long), InstanceLoad> _seen = [];
        private readonly HashSet<long> _scrapes = [];
        private long? _firstPick;

        public string Name => "spy";

        public int Picks { get; private set; }

        public List<string> Problems { get; } = [];

        public int DistinctScrapes => _scrapes.Count;

        public bool SawQueuedWork { get; private set; }

        public UpstreamInstance Pick(ReadOnlySpan<UpstreamInstance> instances, in BalancingRequest request)
        {
            var now = clock.GetTimestamp();
            _firstPick ??= now;
            Picks++;
            var best = instances[0];
            long? scrapedAt = null;
            foreach (var instance in instances)
            {
                if (instance.Load is not { } load)
                {
                    Problems.Add("an instance had no scraped load");
                    continue;
                }

                // Every instance was scraped at the same scrape, on the interval's grid, and not later than now.
                scrapedAt ??= load.ScrapedAt;
                var age = clock.GetElapsedTime(load.ScrapedAt, now);
                var sinceStart = clock.GetElapsedTime(_firstPick.Value, load.ScrapedAt);
                if (load.ScrapedAt != scrapedAt || age < TimeSpan.Zero || age >= TimeSpan.FromMilliseconds(250) || sinceStart.Ticks % TimeSpan.FromMilliseconds(250).Ticks != 0)
                {
                    Problems.Add($"load scraped at {load.ScrapedAt} seen at {now}");
                }

                // Between scrapes the load an instance shows does not change.
                if (_seen.TryGetValue((instance, load.ScrapedAt), out var before) && !ReferenceEquals(before, load))
                {
                    Problems.Add($"load changed between scrapes at {now}");
                }

                _seen[(instance, load.ScrapedAt)] = load;
                _scrapes.Add(load.ScrapedAt);
                SawQueuedWork |= load.Running > 0;
                if (instance.InFlight < best.InFlight)
                {
                    best = instance;
                }
            }

            return best;
        }
    }
}

using Aigis.Core.Balancing;
using Aigis.Core.Routing;
using Microsoft.Extensions.Time.Testing;
using static Aigis.Core.Tests.Balancing.PolicyTestKit;

namespace Aigis.Core.Tests.Balancing;

public sealed class PolicyBehaviourTests
{
    [Fact]
    public void Round_robin_spreads_exactly_evenly()
    {
        var instances = Instances(7);
        var balancer = Create(LoadBalancingPolicyNames.RoundRobin);

        var counts = Enumerable.Range(0, 7_000).Select(_ => balancer.Pick(instances, BalancingRequest.None)).CountBy(i => i.Id);

        Assert.All(counts, c => Assert.Equal(1_000, c.Value));
    }

    [Fact]
    public void Random_spreads_roughly_evenly()
    {
        var instances = Instances(4);
        var balancer = Create(LoadBalancingPolicyNames.Random);

        var counts = Enumerable.Range(0, 8_000).Select(_ => balancer.Pick(instances, BalancingRequest.None)).CountBy(i => i.Id);

        Assert.All(counts, c => Assert.InRange(c.Value, 1_800, 2_200));
    }

    [Fact]
    public void Least_requests_picks_the_instance_with_fewest_in_flight()
    {
        var instances = Instances(4);
        Busy(instances[0], 3);
        Busy(instances[1], 1);
        Busy(instances[2], 2);
        Busy(instances[3], 5);

        Assert.Same(instances[1], Create(LoadBalancingPolicyNames.LeastRequests).Pick(instances, BalancingRequest.None));
    }

    [Fact]
    public void Power_of_two_never_picks_the_busiest_of_two()
    {
        var instances = Instances(2);
        Busy(instances[0], 10);
        var balancer = Create(LoadBalancingPolicyNames.PowerOfTwo);

        Assert.All(Enumerable.Range(0, 100), _ => Assert.Same(instances[1], balancer.Pick(instances, BalancingRequest.None)));
    }

    [Fact]
    public void Peak_ewma_prefers_the_fast_instance()
    {
        var time = new FakeTimeProvider();
        var instances = Instances(2);
        for (var i = 0; i < 20; i++)
        {
            instances[0].Latency.Record(TimeSpan.FromMilliseconds(400), time.GetTimestamp(), time);
            instances[1].Latency.Record(TimeSpan.FromMilliseconds(40), time.GetTimestamp(), time);
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var balancer = Create(LoadBalancingPolicyNames.PeakEwma, time);
        var fast = Enumerable.Range(0, 100).Count(_ => balancer.Pick(instances, BalancingRequest.None) == instances[1]);

        Assert.Equal(100, fast);

        // Until it is ten times busier: cost is latency x (in flight + 1).
        Busy(instances[1], 12);
        Assert.Same(instances[0], balancer.Pick(instances, BalancingRequest.None));
    }

    [Fact]
    public void Peak_ewma_counts_a_long_prompt_awaiting_its_first_token_as_outstanding_work()
    {
        // Same latency and in-flight count; one instance still owes the prefill of a prompt 50x the usual size.
        var time = new FakeTimeProvider();
        var instances = Instances(2);
        foreach (var instance in instances)
        {
            instance.Latency.Record(TimeSpan.FromMilliseconds(100), time.GetTimestamp(), time);
            instance.OnRequestStarted();
        }

        instances[0].OnPrefillPending(50);
        var balancer = Create(LoadBalancingPolicyNames.PeakEwma, time);

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(instances[1], balancer.Pick(instances, new BalancingRequest { PromptBlocks = 1 })));

        // With the weight at 0 only requests count, as in Linkerd, and the two are even.
        var classic = Create(LoadBalancingPolicyNames.PeakEwma, time, new BalancingOptions { PrefillLoadWeight = 0 });
        var picks = Enumerable.Range(0, 200).Select(_ => classic.Pick(instances, new BalancingRequest { PromptBlocks = 1 })).CountBy(i => i.Id);
        Assert.Equal(2, picks.Count());
    }

    [Fact]
    public void Peak_ewma_jumps_to_a_slow_sample_and_decays_after()
    {
        var time = new FakeTimeProvider();
        var latency = new PeakEwma(TimeSpan.FromSeconds(10));
        latency.Record(TimeSpan.FromMilliseconds(50), time.GetTimestamp(), time);

        latency.Record(TimeSpan.FromMilliseconds(500), time.GetTimestamp(), time);
        Assert.Equal(500, latency.EstimateMs(time.GetTimestamp(), time), precision: 3);

        time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(500 / Math.E, latency.EstimateMs(time.GetTimestamp(), time), precision: 3);
    }

    [Fact]
    public void Consistent_hash_sends_a_key_to_the_same_instance_while_loads_allow()
    {
        var instances = Instances(8);
        var balancer = Create(LoadBalancingPolicyNames.ConsistentHash);

        var first = balancer.Pick(instances, BalancingRequest.WithKey(42));

        Assert.All(Enumerable.Range(0, 20), _ => Assert.Same(first, balancer.Pick(instances, BalancingRequest.WithKey(42))));
        Assert.True(Enumerable.Range(0, 200).Select(k => balancer.Pick(instances, BalancingRequest.WithKey((ulong)k))).Distinct().Count() == 8);
    }

    [Fact]
    public void Consistent_hash_loads_never_exceed_the_bound()
    {
        // Every request carries the same key, the worst case: bounded loads must still spread them.
        var instances = Instances(8);
        var options = new BalancingOptions { LoadFactor = 1.25 };
        var balancer = Create(LoadBalancingPolicyNames.ConsistentHash, options: options);
        for (var request = 1; request <= 400; request++)
        {
            var chosen = balancer.Pick(instances, BalancingRequest.WithKey(7));
            chosen.OnRequestStarted();
            var bound = (int)Math.Ceiling(1.25 * request / instances.Length);
            Assert.All(instances, i => Assert.True(i.InFlight <= bound, $"{i.Id} carries {i.InFlight} > {bound} after {request} requests"));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Consistent_hash_keeps_keys_home_when_every_instance_carries_the_same_load(int inFlightEach)
    {
        // Every instance sits exactly at the average load: the bound must still let each key's home take it.
        var instances = Instances(256);
        var balancer = Create(LoadBalancingPolicyNames.ConsistentHash);
        var homes = Enumerable.Range(0, 50).Select(k => balancer.Pick(instances, BalancingRequest.WithKey((ulong)k))).ToArray();
        foreach (var instance in instances)
        {
            Busy(instance, inFlightEach);
        }

        for (var k = 0; k < homes.Length; k++)
        {
            Assert.Same(homes[k], balancer.Pick(instances, BalancingRequest.WithKey((ulong)k)));
        }
    }

    [Fact]
    public void Consistent_hash_moves_a_key_off_an_instance_that_owes_a_long_prefill_and_back_after()
    {
        var instances = Instances(8);
        var balancer = Create(LoadBalancingPolicyNames.ConsistentHash);
        var keyed = BalancingRequest.WithKey(42) with { PromptBlocks = 10 };
        var home = balancer.Pick(instances, keyed);
        foreach (var instance in instances)
        {
            Busy(instance, 2);
        }

        // Two in-flight requests each: the same key stays home. Then home is sent a prompt 30x the usual size.
        Assert.Same(home, balancer.Pick(instances, keyed));
        home.OnPrefillPending(300);
        var away = balancer.Pick(instances, keyed);
        Assert.NotSame(home, away);

        // Its first token arrives: the key goes home again.
        home.OnPrefillDone(300);
        Assert.Same(home, balancer.Pick(instances, keyed));

        // Counting requests only, the paper's bound, the long prompt does not move the key.
        var classic = Create(LoadBalancingPolicyNames.ConsistentHash, options: new BalancingOptions { PrefillLoadWeight = 0 });
        home.OnPrefillPending(300);
        Assert.Same(home, classic.Pick(instances, keyed));
    }

    [Fact]
    public void Consistent_hash_moves_only_the_keys_of_a_removed_instance()
    {
        var instances = Instances(8);
        var balancer = Create(LoadBalancingPolicyNames.ConsistentHash);
        var before = Enumerable.Range(0, 1_000).Select(k => balancer.Pick(instances, BalancingRequest.WithKey((ulong)k))).ToArray();

        var remaining = instances.Where(i => i.Id != "i3").ToArray();
        var after = Enumerable.Range(0, 1_000).Select(k => balancer.Pick(remaining, BalancingRequest.WithKey((ulong)k))).ToArray();

        for (var k = 0; k < before.Length; k++)
        {
            if (before[k].Id != "i3")
            {
                Assert.Same(before[k], after[k]);
            }
        }
    }

    [Fact]
    public void Least_kv_prefers_short_queues_and_free_cache_from_fresh_metrics()
    {
        var time = new FakeTimeProvider();
        var instances = Instances(3);
        instances[0].OnLoadScraped(new InstanceLoad(Waiting: 6, Running: 20, KvCacheUsage: 0.9, time.GetTimestamp(), 0));
        instances[1].OnLoadScraped(new InstanceLoad(Waiting: 0, Running: 20, KvCacheUsage: 0.3, time.GetTimestamp(), 0));
        instances[2].OnLoadScraped(new InstanceLoad(Waiting: 0, Running: 20, KvCacheUsage: 0.6, time.GetTimestamp(), 0));
        var balancer = Create(LoadBalancingPolicyNames.LeastKv, time);

        Assert.Same(instances[1], balancer.Pick(instances, BalancingRequest.None));

        // Requests sent since the scrape count as queued.
        Busy(instances[1], 4);
        Assert.Same(instances[2], balancer.Pick(instances, BalancingRequest.None));
    }

    [Fact]
    public void Least_kv_falls_back_to_in_flight_counts_when_metrics_are_stale()
    {
        var time = new FakeTimeProvider();
        var instances = Instances(2);
        instances[0].OnLoadScraped(new InstanceLoad(0, 0, 0.0, time.GetTimestamp(), 0));
        instances[1].OnLoadScraped(new InstanceLoad(9, 9, 0.99, time.GetTimestamp(), 0));
        Busy(instances[0], 5);
        var balancer = Create(LoadBalancingPolicyNames.LeastKv, time, new BalancingOptions { StaleAfter = TimeSpan.FromSeconds(3) });

        time.Advance(TimeSpan.FromSeconds(4));

        Assert.Same(instances[1], balancer.Pick(instances, BalancingRequest.None));
    }

    [Fact]
    public void Prefix_aware_sends_a_repeated_prefix_back_to_the_same_instance()
    {
        var instances = Instances(8);
        var balancer = Create(LoadBalancingPolicyNames.PrefixAware);
        var system = Blocks(1, 100);

        var first = balancer.Pick(instances, BalancingRequest.WithPrefix(system.Concat(Blocks(2, 10)).ToArray()));
        first.OnRequestStarted();

        Assert.Same(first, balancer.Pick(instances, BalancingRequest.WithPrefix(system.Concat(Blocks(3, 10)).ToArray())));
    }

    [Fact]
    public void Prefix_aware_spreads_prompts_that_share_nothing()
    {
        var instances = Instances(8);
        var balancer = Create(LoadBalancingPolicyNames.PrefixAware);

        for (var i = 0; i < 80; i++)
        {
            balancer.Pick(instances, BalancingRequest.WithPrefix(Blocks(100 + i, 50))).OnRequestStarted();
        }

        Assert.All(instances, i => Assert.Equal(10, i.InFlight));
    }

    [Fact]
    public void Prefix_aware_leaves_an_overloaded_instance_despite_its_prefix()
    {
        var instances = Instances(4);
        var balancer = Create(LoadBalancingPolicyNames.PrefixAware, options: new BalancingOptions { OverloadMargin = 8 });
        var prompt = Blocks(5, 64);
        var home = balancer.Pick(instances, BalancingRequest.WithPrefix(prompt));

        Busy(home, 20);

        Assert.NotSame(home, balancer.Pick(instances, BalancingRequest.WithPrefix(prompt)));
    }

    [Fact]
    public void Prefix_aware_sends_a_prompt_away_from_an_instance_that_still_owes_a_long_prefill()
    {
        // Equal in-flight counts, so only the prompt sizes sent and not yet answered tell the instances apart.
        var instances = Instances(2);
        var balancer = Create(LoadBalancingPolicyNames.PrefixAware);
        instances[0].OnRequestStarted();
        instances[0].OnPrefillPending(3_000);
        instances[1].OnRequestStarted();
        instances[1].OnPrefillPending(10);

        Assert.Same(instances[1], balancer.Pick(instances, BalancingRequest.WithPrefix(Blocks(7, 40), promptBlocks: 400)));

        // Once the long prompt's first token is back the instances are even again, and the next pick alternates.
        instances[0].OnPrefillDone(3_000);
        instances[1].OnPrefillPending(3_000);
        Assert.Same(instances[0], balancer.Pick(instances, BalancingRequest.WithPrefix(Blocks(8, 40), promptBlocks: 400)));
    }

    [Fact]
    public void Prefix_aware_weighs_the_part_of_a_long_prompt_an_instance_would_compute_anew()
    {
        // Both instances owe the same prefill; the one believed to hold this long prompt's prefix has less to do.
        var instances = Instances(2);
        var balancer = Create(LoadBalancingPolicyNames.PrefixAware, options: new BalancingOptions { PrefixWeight = 0 });
        var history = Blocks(11, 256);
        var home = balancer.Pick(instances, BalancingRequest.WithPrefix(history, promptBlocks: 2_000));
        var other = ReferenceEquals(home, instances[0]) ? instances[1] : instances[0];
        home.OnPrefillPending(500);
        other.OnPrefillPending(500);

        Assert.Same(home, balancer.Pick(instances, BalancingRequest.WithPrefix(history, promptBlocks: 2_100)));
    }

    [Fact]
    public void Prefix_index_matches_only_leading_blocks_and_forgets_the_least_recently_used()
    {
        var instances = Instances(2);
        var index = new PrefixIndex(capacity: 1024);
        var prompt = Blocks(9, 20);
        index.Record(prompt, instances[0]);
        index.Record(prompt.AsSpan(0, 5), instances[1]);

        var matches = new (UpstreamInstance, int)[PrefixIndex.InstancesPerBlock];
        var count = index.Match(prompt, matches);

        Assert.Equal(2, count);
        Assert.Contains((instances[0], 20), matches[..count]);
        Assert.Contains((instances[1], 5), matches[..count]);

        // Fill far beyond capacity: the old prompt is evicted, memory stays bounded.
        for (var i = 0; i < 200; i++)
        {
            index.Record(Blocks(1_000 + i, 50), instances[1]);
        }

        Assert.True(index.Match(prompt, matches) == 0 || matches[0].Item2 < 20);
    }
}

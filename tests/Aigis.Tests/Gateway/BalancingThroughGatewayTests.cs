using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Aigis.Sim;
using Aigis.Sim.Http;
using Aigis.Tests.Infrastructure;

namespace Aigis.Tests.Gateway;

/// <summary>LLM-aware balancing with real simulators behind the gateway: what the policies see, and what they do.</summary>
public sealed class BalancingThroughGatewayTests
{
    [Fact]
    public async Task The_scraper_hands_each_instance_its_simulator_load()
    {
        await using var fleet = await Fleet.StartAsync(2);
        await using var gateway = await GatewayUnderTest.StartAsync(fleet.Service("least-kv", "scrapeInterval: 100ms"));

        var instances = gateway.Host.State.Routes.ByName["chat"].Instances;
        await Eventually.TrueAsync(() => instances.All(i => i.Load is not null), TimeSpan.FromSeconds(10), () => "no scrape reached every instance");

        Assert.All(instances, i => Assert.Equal(0, i.Load!.KvCacheUsage));
        Assert.All(instances, i => Assert.Equal(0, i.Load!.Waiting));
    }

    [Fact]
    public async Task Prefix_aware_keeps_a_shared_system_prompt_on_one_replica_where_the_cache_hits()
    {
        await using var fleet = await Fleet.StartAsync(3);
        await using var gateway = await GatewayUnderTest.StartAsync(fleet.Service("prefix-aware", "scrapeInterval: 100ms"));
        await AskSixQuestionsUnderOneSystemPromptAsync(gateway);

        var served = new List<double>();
        var hits = 0.0;
        foreach (var sim in fleet.Servers)
        {
            var metrics = await fleet.MetricsAsync(sim);
            served.Add(Sample(metrics, "vllm:request_success_total"));
            hits += Sample(metrics, "vllm:prefix_cache_hits_total");
        }

        Assert.Equal([0, 0, 6], served.Order());
        Assert.True(hits > 5 * 3_000, $"prefix cache hits: {hits} tokens");
    }

    [Fact]
    public async Task Round_robin_spreads_the_same_prompts_and_misses_the_cache()
    {
        await using var fleet = await Fleet.StartAsync(3);
        await using var gateway = await GatewayUnderTest.StartAsync(fleet.Service("round-robin", ""));
        await AskSixQuestionsUnderOneSystemPromptAsync(gateway);

        var served = new List<double>();
        foreach (var sim in fleet.Servers)
        {
            served.Add(Sample(await fleet.MetricsAsync(sim), "vllm:request_success_total"));
        }

        Assert.Equal([2, 2, 2], served);
    }

    private static async Task AskSixQuestionsUnderOneSystemPromptAsync(GatewayUnderTest gateway)
    {
        var system = string.Join(' ', Enumerable.Range(0, 1_500).Select(i => "rule" + i.ToString(CultureInfo.InvariantCulture)));
        for (var question = 0; question < 6; question++)
        {
            var body = $$"""{"model":"sim-llama-3-8b","max_tokens":2,"messages":[{"role":"system","content":"{{system}}"},{"role":"user","content":"question {{question}}"}]}""";
            Assert.Equal(HttpStatusCode.OK, (await gateway.Public.PostAsync("/v1/chat/completions", Json.Body(body))).StatusCode);
        }
    }

    private static double Sample(string metrics, string name)
    {
        var match = Regex.Match(metrics, "^" + Regex.Escape(name) + @"\{[^}]*\} (\S+)$", RegexOptions.Multiline);
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    private sealed class Fleet : IAsyncDisposable
    {
        private readonly HttpClient _client = new();

        private Fleet(RunningSimServer[] servers) => Servers = servers;

        public RunningSimServer[] Servers { get; }

        public static async Task<Fleet> StartAsync(int replicas)
        {
            var servers = new RunningSimServer[replicas];
            for (var i = 0; i < replicas; i++)
            {
                servers[i] = await SimServer.StartAsync(new SimOptions { TimeScale = 20, Seed = i }, CancellationToken.None);
            }

            return new Fleet(servers);
        }

        public string Service(string balancer, string balancing)
        {
            var text = new StringBuilder();
            text.AppendLine("  - name: chat");
            text.AppendLine("    kind: llm");
            text.AppendLine("    models: [sim-llama-3-8b]");
            text.AppendLine($"    balancer: {balancer}");
            if (balancing.Length > 0)
            {
                text.AppendLine($"    balancing: {{{balancing}}}");
            }

            text.AppendLine($"    instances: [{string.Join(", ", Servers.Select(s => $"\"{s.BaseAddress}\""))}]");
            return text.ToString();
        }

        public Task<string> MetricsAsync(RunningSimServer server) => _client.GetStringAsync(new Uri(server.BaseAddress, "metrics"));

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            foreach (var server in Servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}

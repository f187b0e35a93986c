using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

public sealed class ValidConfigTests
{
    private const string FullConfig = """
        gateway:
          listen: http://0.0.0.0:9080
          admin: http://127.0.0.1:9081
          maxBodySize: 2MiB
          auth: disabled
          shutdownTimeout: 45s
        store:
          path: /var/lib/aigis/aigis.db
        services:
          - name: chat
            kind: llm
            models: [llama-3-8b-instruct, "llama-3-8b"]
            balancer: random
            runtime: static
            timeouts:
              connect: 250ms
              idle: 2m
            instances:
              - url: http://127.0.0.1:9001
              - id: gpu-2
                url: http://127.0.0.1:9002/base
          - name: classifier
            kind: http
            balancer: prefix-aware
            balancing:
              hashKey: header:x-session-id
              loadFactor: 1.5
              virtualNodes: 40
              scrapeInterval: 500ms
              staleAfter: 2s
              prefixWeight: 4.5
              queueWeight: 2
              kvWeight: 0.5
              prefillWeight: 1.5
              prefillLoadWeight: 4
              overloadMargin: 12
              prefixIndexCapacity: 65536
            admission:
              enabled: true
              algorithm: gradient2
              initialLimit: 16
              minLimit: 4
              maxLimit: 64
              smoothing: 0.3
              rttTolerance: 2
              longWindow: 300
              growth: log10
              window: 500ms
              windowSamples: 5
              queue: {maxSize: 32, maxWait: 1500ms}
            instances: [http://127.0.0.1:9100]
          - name: local
            kind: llm
            models: [sim-llama-3-8b]
            runtime: process
            process:
              command: aigis-sim
              args: [--port, "{port}", --seed, "{replica}", ""]
              replicas: 3
              healthPath: /health?deep=1
              startTimeout: 45s
              env: {SIM_MODE: fast, EMPTY: ""}
        usage:
          encoding: o200k
          models:
            "gpt-4o*": {encoding: o200k, input: 2.50, output: 10}
            sim-*: {encoding: estimate, input: 0.000001}
            llama-3-8b: {output: 0.2}
        jwt:
          issuer: https://idp.example.com
          audience: aigis
          jwksFile: /etc/aigis/jwks.json
          clockSkew: 10s
          tenantClaim: org
        """;

    [Fact]
    public void Binds_every_key_of_a_full_config()
    {
        var result = ConfigLoader.LoadText(FullConfig, "full.yaml");

        Assert.Empty(result.Errors);
        var config = result.Config!;
        Assert.Equal(new Uri("http://0.0.0.0:9080"), config.Gateway.Listen);
        Assert.Equal(new Uri("http://127.0.0.1:9081"), config.Gateway.Admin);
        Assert.Equal(2 * 1024 * 1024, config.Gateway.MaxBodySize);
        Assert.Equal(AuthMode.Disabled, config.Gateway.Auth);
        Assert.Equal(TimeSpan.FromSeconds(45), config.Gateway.ShutdownTimeout);
        Assert.Equal("/var/lib/aigis/aigis.db", config.Store.Path);

        var chat = config.Services[0];
        Assert.Equal("chat", chat.Name);
        Assert.Equal(ServiceKind.Llm, chat.Kind);
        Assert.Equal(["llama-3-8b-instruct", "llama-3-8b"], chat.Models);
        Assert.Equal("random", chat.Balancer);
        Assert.Equal(TimeSpan.FromMilliseconds(250), chat.Timeouts.Connect);
        Assert.Equal(TimeSpan.FromMinutes(2), chat.Timeouts.Idle);
        Assert.Equal("127.0.0.1:9001", chat.Instances[0].Id);
        Assert.Equal("gpu-2", chat.Instances[1].Id);
        Assert.Equal(new Uri("http://127.0.0.1:9002/base"), chat.Instances[1].Url);

        var classifier = config.Services[1];
        Assert.Equal(ServiceKind.Http, classifier.Kind);
        Assert.Empty(classifier.Models);
        Assert.Equal("prefix-aware", classifier.Balancer);
        Assert.Equal(TimeoutsConfig.DefaultConnect, classifier.Timeouts.Connect);
        Assert.Equal(new Aigis.Core.Balancing.BalancingOptions
        {
            HashKey = "header:x-session-id", LoadFactor = 1.5, VirtualNodes = 40, ScrapeInterval = TimeSpan.FromMilliseconds(500),
            StaleAfter = TimeSpan.FromSeconds(2), PrefixWeight = 4.5, QueueWeight = 2, KvWeight = 0.5, PrefillWeight = 1.5, PrefillLoadWeight = 4, OverloadMargin = 12, PrefixIndexCapacity = 65536,
        }, classifier.Balancing);
        Assert.Equal(RuntimeKind.Static, classifier.Runtime);
        Assert.Null(classifier.Process);

        var local = config.Services[2];
        Assert.Equal(RuntimeKind.Process, local.Runtime);
        Assert.Empty(local.Instances);
        var process = local.Process!;
        Assert.Equal("aigis-sim", process.Command);
        Assert.Equal(["--port", "{port}", "--seed", "{replica}", ""], process.Args);
        Assert.Equal(3, process.Replicas);
        Assert.Equal("/health?deep=1", process.HealthPath);
        Assert.Equal(TimeSpan.FromSeconds(45), process.StartTimeout);
        Assert.Equal("fast", process.Env["SIM_MODE"]);
        Assert.Equal("", process.Env["EMPTY"]);
    }

    [Fact]
    public void Auth_is_required_and_the_store_is_under_dot_aigis_by_default()
    {
        var config = ConfigLoader.LoadText("services: []", "defaults.yaml").Config!;

        Assert.Equal(AuthMode.Required, config.Gateway.Auth);
        Assert.Equal("./.aigis/aigis.db", config.Store.Path);
        Assert.Equal(TimeSpan.FromSeconds(30), config.Gateway.ShutdownTimeout);
    }

    [Fact]
    public void Process_section_defaults()
    {
        var result = ConfigLoader.LoadText("""
            services:
              - {name: chat, runtime: process, process: {command: /opt/server, args: [--port, "{port}"]}}
            """, "defaults.yaml");

        Assert.Empty(result.Errors);
        var process = result.Config!.Services[0].Process!;
        Assert.Equal(1, process.Replicas);
        Assert.Equal("/health", process.HealthPath);
        Assert.Equal(TimeSpan.FromSeconds(30), process.StartTimeout);
        Assert.Empty(process.Env);
    }

    [Fact]
    public void Process_sections_compare_by_value()
    {
        var a = new ProcessConfig { Command = "x", Args = ["--port", "{port}"], Env = new Dictionary<string, string> { ["A"] = "1" } };
        var b = new ProcessConfig { Command = "x", Args = ["--port", "{port}"], Env = new Dictionary<string, string> { ["A"] = "1" } };

        Assert.Equal(a, b);
        Assert.NotEqual(a, b with { Args = ["--port", "{port}", "-v"] });
        Assert.NotEqual(a, b with { Env = new Dictionary<string, string> { ["A"] = "2" } });
        Assert.True(a.SameTemplateAs(b with { Replicas = 5 }));
        Assert.False(a.SameTemplateAs(b with { Command = "y", Replicas = 5 }));
    }

    [Fact]
    public void Environment_can_scale_a_process_service()
    {
        var env = ConfigOverride.FromEnvironment(new Dictionary<string, string> { ["AIGIS__SERVICES__LOCAL__PROCESS__REPLICAS"] = "5" });

        var result = ConfigLoader.LoadText(FullConfig, "full.yaml", env);

        Assert.Empty(result.Errors);
        Assert.Equal(5, result.Config!.Services[2].Process!.Replicas);
    }

    [Fact]
    public void Admission_section_binds_every_parameter_and_is_off_by_default()
    {
        var config = ConfigLoader.LoadText(FullConfig, "full.yaml").Config!;

        Assert.False(config.Services[0].Admission.Enabled);
        var admission = config.Services[1].Admission;
        Assert.True(admission.Enabled);
        Assert.Equal(Aigis.Core.Admission.AdmissionAlgorithm.Gradient2, admission.Algorithm);
        Assert.Equal((16, 4, 64), (admission.InitialLimit, admission.MinLimit, admission.MaxLimit));
        Assert.Equal((0.3, 2.0, 300), (admission.Smoothing, admission.RttTolerance, admission.LongWindow));
        Assert.Equal(Aigis.Core.Admission.LimitGrowth.Log10, admission.Growth);
        Assert.Equal((TimeSpan.FromMilliseconds(500), 5), (admission.Window, admission.WindowSamples));
        Assert.Equal((32, TimeSpan.FromMilliseconds(1500)), (admission.Queue.MaxSize, admission.Queue.MaxWait));
    }

    [Fact]
    public void Admission_growth_may_be_a_constant_and_the_algorithm_fixed()
    {
        var result = ConfigLoader.LoadText("""
            services:
              - {name: a, admission: {enabled: true, algorithm: fixed, initialLimit: 8, growth: 6}}
            """, "fixed.yaml");

        Assert.Empty(result.Errors);
        var admission = result.Config!.Services[0].Admission;
        Assert.Equal(Aigis.Core.Admission.AdmissionAlgorithm.Fixed, admission.Algorithm);
        Assert.Equal((Aigis.Core.Admission.LimitGrowth.Constant, 6), (admission.Growth, admission.GrowthConstant));
        Assert.Equal(admission, ConfigLoader.LoadText(ConfigWriter.ToYaml(result.Config), "w.yaml").Config!.Services[0].Admission);
    }

    [Fact]
    public void Round_trips_through_the_writer()
    {
        var first = ConfigLoader.LoadText(FullConfig, "full.yaml").Config!;

        var written = ConfigWriter.ToYaml(first);
        var second = ConfigLoader.LoadText(written, "written.yaml");

        Assert.Empty(second.Errors);
        Assert.Equal(written, ConfigWriter.ToYaml(second.Config!));
        Assert.Equal(first.Gateway, second.Config!.Gateway);
        Assert.Equal(first.Store, second.Config.Store);
        Assert.Equal(first.Services.Select(s => s.Name), second.Config.Services.Select(s => s.Name));
        Assert.Equal(first.Services[0].Instances, second.Config.Services[0].Instances);
        Assert.Equal(first.Services[0].Timeouts, second.Config.Services[0].Timeouts);
        Assert.Equal(first.Services[1].Balancing, second.Config.Services[1].Balancing);
        Assert.Equal(first.Services[1].Admission, second.Config.Services[1].Admission);
        Assert.Equal(first.Services[0].Admission, second.Config.Services[0].Admission);
        Assert.Equal(first.Services[2].Runtime, second.Config.Services[2].Runtime);
        Assert.Equal(first.Services[2].Process, second.Config.Services[2].Process);
        Assert.Equal(first.Usage.Encoding, second.Config.Usage.Encoding);
        Assert.Equal(first.Usage.Models, second.Config.Usage.Models);
        Assert.Equal(first.Jwt, second.Config.Jwt);
        Assert.Equal(("org", "role", TimeSpan.FromSeconds(10)), (first.Jwt!.TenantClaim, first.Jwt.RoleClaim, first.Jwt.ClockSkew));
    }

    [Fact]
    public void Binds_the_usage_section_in_file_order_with_prices_in_micro_dollars()
    {
        var usage = ConfigLoader.LoadText(FullConfig, "full.yaml").Config!.Usage;

        Assert.Equal(TokenEncoding.O200k, usage.Encoding);
        Assert.Equal(
            [
                new ModelUsageRule("gpt-4o*", TokenEncoding.O200k, 2_500_000, 10_000_000),
                new ModelUsageRule("sim-*", TokenEncoding.Estimate, 1, 0),
                new ModelUsageRule("llama-3-8b", null, 0, 200_000),
            ],
            usage.Models);
    }

    [Fact]
    public void Empty_file_gives_the_defaults()
    {
        var result = ConfigLoader.LoadText("", "empty.yaml");

        Assert.True(result.IsValid);
        Assert.Equal(GatewayConfig.DefaultListen, result.Config!.Gateway.Listen);
        Assert.Equal(GatewayConfig.DefaultMaxBodySize, result.Config.Gateway.MaxBodySize);
        Assert.Empty(result.Config.Services);
    }

    [Fact]
    public void Environment_overrides_file_values_by_section_path()
    {
        var env = ConfigOverride.FromEnvironment(new Dictionary<string, string>
        {
            ["AIGIS__GATEWAY__MAXBODYSIZE"] = "8MiB",
            ["AIGIS__SERVICES__CHAT__BALANCER"] = "round-robin",
            ["AIGIS__SERVICES__1__TIMEOUTS__CONNECT"] = "1s",
            ["AIGIS__SERVICES__CHAT__MODELS"] = "[a, b]",
            ["PATH"] = "/usr/bin",
        });

        var result = ConfigLoader.LoadText(FullConfig, "full.yaml", env);

        Assert.Empty(result.Errors);
        Assert.Equal(8 * 1024 * 1024, result.Config!.Gateway.MaxBodySize);
        Assert.Equal("round-robin", result.Config.Services[0].Balancer);
        Assert.Equal(["a", "b"], result.Config.Services[0].Models);
        Assert.Equal(TimeSpan.FromSeconds(1), result.Config.Services[1].Timeouts.Connect);
    }

    [Fact]
    public void Environment_can_set_a_key_the_file_does_not_have()
    {
        var env = ConfigOverride.FromEnvironment(new Dictionary<string, string> { ["AIGIS__GATEWAY__LISTEN"] = "http://127.0.0.1:7000" });

        var result = ConfigLoader.LoadText("services: []", "f.yaml", env);

        Assert.Equal(new Uri("http://127.0.0.1:7000"), result.Config!.Gateway.Listen);
    }

    [Fact]
    public void Invalid_environment_value_is_reported_against_the_variable()
    {
        var env = ConfigOverride.FromEnvironment(new Dictionary<string, string>
        {
            ["AIGIS__GATEWAY__MAXBODYSIZE"] = "huge",
            ["AIGIS__GATEWAY__LISTN"] = "http://127.0.0.1:1",
        });

        var result = ConfigLoader.LoadText(FullConfig, "full.yaml", env);

        Assert.Contains(result.Errors, e => e.ToString().StartsWith("env:AIGIS__GATEWAY__MAXBODYSIZE:1:1: gateway.maxBodySize: 'huge' is not a size", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.ToString().StartsWith("env:AIGIS__GATEWAY__LISTN:", StringComparison.Ordinal) && e.Message.Contains("did you mean 'listen'?", StringComparison.Ordinal));
    }

    [Fact]
    public void Override_of_a_missing_list_item_is_an_error()
    {
        var env = ConfigOverride.FromEnvironment(new Dictionary<string, string> { ["AIGIS__SERVICES__NOPE__BALANCER"] = "random" });

        var result = ConfigLoader.LoadText(FullConfig, "full.yaml", env);

        var error = Assert.Single(result.Errors);
        Assert.Equal("env:AIGIS__SERVICES__NOPE__BALANCER", error.Source);
        Assert.Contains("no list item 'NOPE'", error.Message, StringComparison.Ordinal);
    }
}

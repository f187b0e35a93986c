using Aigis.Core.Configuration;
using Aigis.Core.Rollouts;

namespace Aigis.Core.Tests.Configuration;

/// <summary>A service's <c>rollout</c>: how <c>aigis deploy</c> replaces its replicas and judges each new one.</summary>
public sealed class RolloutConfigTests
{
    [Fact]
    public void Rollout_binds_every_key_and_writes_back_the_same()
    {
        var config = Load("""
            services:
              - name: chat
                rollout: {maxSurge: 0, maxUnavailable: 1, analysisWindow: 10s, windows: 3, canaryShare: 0.1, maxErrorRatio: 0.02, maxLatencyIncrease: 0.5, minLatencyDifference: 20ms, minRequests: 50, warmupRequests: 3}
                instances: [{url: "http://127.0.0.1:9000"}]
            """);

        var expected = new RolloutOptions
        {
            MaxSurge = 0, MaxUnavailable = 1, AnalysisWindow = TimeSpan.FromSeconds(10), Windows = 3, CanaryShare = 0.1, MaxErrorRatio = 0.02,
            MaxLatencyIncrease = 0.5, MinLatencyDifference = TimeSpan.FromMilliseconds(20), MinRequests = 50, WarmupRequests = 3,
        };
        Assert.Equal(expected, config.Services[0].Rollout);
        var again = ConfigLoader.LoadText(ConfigWriter.ToYaml(config), "written.yaml");
        Assert.True(again.IsValid, string.Join('\n', again.Errors));
        Assert.Equal(expected, again.Config!.Services[0].Rollout);
    }

    [Fact]
    public void Without_a_rollout_section_the_defaults_are_safe_and_nothing_is_written()
    {
        var config = Load("services:\n  - name: a\n    instances: [{url: \"http://127.0.0.1:9000\"}]\n");

        var rollout = config.Services[0].Rollout;
        Assert.Equal((1, 0, TimeSpan.FromSeconds(30), 2, 0.05), (rollout.MaxSurge, rollout.MaxUnavailable, rollout.AnalysisWindow, rollout.Windows, rollout.CanaryShare));
        Assert.DoesNotContain("rollout", ConfigWriter.ToYaml(config), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maxSurge: 0", "services[a].rollout: maxSurge and maxUnavailable cannot both be 0")]
    [InlineData("canaryShare: 0.9", "services[a].rollout.canaryShare must be between 0.001 and 0.5")]
    [InlineData("analysisWindow: 10ms", "services[a].rollout.analysisWindow must be between 100ms and 1h")]
    [InlineData("windows: 0", "services[a].rollout.windows must be between 1 and 100")]
    [InlineData("window: 2", "unknown key 'window' in services[a].rollout")]
    public void An_invalid_rollout_section_is_reported_by_key(string entry, string message)
    {
        var result = ConfigLoader.LoadText($"services:\n  - name: a\n    rollout: {{{entry}}}\n    instances: [{{url: \"http://127.0.0.1:9000\"}}]\n", "aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    private static AigisConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "aigis.yaml");
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.Config!;
    }
}

using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>The resilience keys of a service: health, outlierDetection, circuitBreaker, retries, fallback, timeouts.</summary>
public sealed class ResilienceConfigTests
{
    private const string Full = """
        services:
          - name: chat
            kind: llm
            models: [big]
            timeouts: {connect: 2s, firstByte: 20s, idle: 15s, total: 5m}
            health: {path: /ready, interval: 2s, timeout: 500ms, healthyThreshold: 1, unhealthyThreshold: 4}
            outlierDetection: {consecutive5xx: 7, consecutiveConnectFailures: 2, baseEjectionTime: 10s, maxEjectionTime: 2m, maxEjectionPercent: 30}
            circuitBreaker: {failureRatio: 0.25, minimumThroughput: 20, samplingDuration: 30s, breakDuration: 3s}
            retries: {attempts: 4, budgetPercent: 10, minRetriesPerSecond: 5, budgetWindow: 20s}
            fallback: [chat-small, chat-tiny]
            instances: ["http://127.0.0.1:9000"]
          - name: chat-small
            kind: llm
            models: [small]
            fallback: [chat-tiny]
            instances: ["http://127.0.0.1:9001"]
          - name: chat-tiny
            kind: llm
            models: [tiny]
            instances: ["http://127.0.0.1:9002"]
        """;

    [Fact]
    public void Binds_every_key()
    {
        var result = ConfigLoader.LoadText(Full, "full.yaml");
        Assert.Empty(result.Errors);
        var chat = result.Config!.Services[0];
        Assert.Equal(TimeSpan.FromSeconds(20), chat.Timeouts.FirstByte);
        Assert.Equal(TimeSpan.FromMinutes(5), chat.Timeouts.Total);
        Assert.Equal("/ready", chat.Health!.Path);
        Assert.Equal(4, chat.Health.UnhealthyThreshold);
        Assert.Equal(7, chat.OutlierDetection.Consecutive5xx);
        Assert.Equal(30, chat.OutlierDetection.MaxEjectionPercent);
        Assert.Equal(0.25, chat.CircuitBreaker.FailureRatio);
        Assert.Equal(4, chat.Retries.Attempts);
        Assert.Equal(["chat-small", "chat-tiny"], chat.Fallback);
        Assert.Null(result.Config.Services[2].Health);
    }

    [Fact]
    public void Round_trips_through_the_writer()
    {
        var first = ConfigLoader.LoadText(Full, "full.yaml").Config!;
        var written = ConfigWriter.ToYaml(first);
        var second = ConfigLoader.LoadText(written, "written.yaml");

        Assert.Empty(second.Errors);
        Assert.Equal(written, ConfigWriter.ToYaml(second.Config!));
        var (a, b) = (first.Services[0], second.Config!.Services[0]);
        Assert.Equal(a.Timeouts, b.Timeouts);
        Assert.Equal(a.Health, b.Health);
        Assert.Equal(a.OutlierDetection, b.OutlierDetection);
        Assert.Equal(a.CircuitBreaker, b.CircuitBreaker);
        Assert.Equal(a.Retries, b.Retries);
        Assert.Equal(a.Fallback, b.Fallback);
    }

    [Theory]
    [InlineData("fallback: [chat-smal]", "there is no service 'chat-smal'; did you mean 'chat-small'?")]
    [InlineData("fallback: [chat]", "a service cannot fall back to itself")]
    [InlineData("fallback: [chat-small, chat-small]", "'chat-small' is listed twice")]
    [InlineData("fallback: [web]", "'web' is an http service and 'chat' an llm one")]
    [InlineData("retries: {attempts: 0}", "retries.attempts")]
    [InlineData("retries: {budgetPercent: 120}", "retries.budgetPercent")]
    [InlineData("outlierDetection: {maxEjectionPercent: 101}", "outlierDetection.maxEjectionPercent")]
    [InlineData("outlierDetection: {baseEjectionTime: 1m, maxEjectionTime: 10s}", "maxEjectionTime (10s) is shorter than baseEjectionTime (1m)")]
    [InlineData("circuitBreaker: {failureRatio: 2}", "circuitBreaker.failureRatio")]
    [InlineData("health: {interval: 1s, timeout: 2s}", "timeout (2s) is longer than interval (1s)")]
    [InlineData("health: {path: ready}", "'ready' is not a path")]
    [InlineData("health: {intervall: 1s}", "did you mean 'interval'?")]
    [InlineData("timeouts: {firstByte: 10s, total: 5s}", "total (5s) is shorter than connect or firstByte")]
    public void Rejects_bad_values_with_a_clear_message(string line, string message)
    {
        var yaml = $"""
            services:
              - name: chat
                kind: llm
                models: [big]
                {line}
                instances: ["http://127.0.0.1:9000"]
              - name: chat-small
                kind: llm
                models: [small]
                instances: ["http://127.0.0.1:9001"]
              - name: web
                instances: ["http://127.0.0.1:9002"]
            """;
        var result = ConfigLoader.LoadText(yaml, "test.yaml");
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Rejects_a_fallback_cycle_naming_its_path()
    {
        var yaml = """
            services:
              - {name: a, kind: llm, models: [ma], fallback: [b], instances: ["http://127.0.0.1:9000"]}
              - {name: b, kind: llm, models: [mb], fallback: [c], instances: ["http://127.0.0.1:9001"]}
              - {name: c, kind: llm, models: [mc], fallback: [a], instances: ["http://127.0.0.1:9002"]}
            """;
        var result = ConfigLoader.LoadText(yaml, "test.yaml");
        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.Message.Contains("makes a cycle (a -> b -> c -> a)", StringComparison.Ordinal));
    }
}

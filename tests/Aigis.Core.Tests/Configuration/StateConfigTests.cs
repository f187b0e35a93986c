using Aigis.Core.Configuration;

namespace Aigis.Core.Tests.Configuration;

/// <summary>The <c>state</c> section: where limits replicas share are kept, and what each does when that store fails.</summary>
public sealed class StateConfigTests
{
    [Fact]
    public void Without_a_state_section_limits_stay_in_memory_with_a_50_ms_timeout_and_fail_open()
    {
        var config = Load("services: []\n");

        Assert.Equal(new StateConfig(), config.State);
        Assert.Equal(StateBackend.Memory, config.State.Backend);
        Assert.Equal(TimeSpan.FromMilliseconds(50), config.State.Timeout);
        Assert.Equal(StoreFailurePolicy.FailOpen, config.State.RequestsOnStoreFailure);
    }

    [Fact]
    public void A_redis_backend_binds_its_servers_timeout_replicas_and_a_policy_per_limit()
    {
        var config = Load("""
            state:
              backend: redis
              redis: "10.0.0.5:6379, 10.0.0.6:6379,password=s3cret"
              timeout: 20ms
              replicas: 3
              requests: {onStoreFailure: fail-open}
              tokens: {onStoreFailure: fail-closed}
            """);

        Assert.Equal(StateBackend.Redis, config.State.Backend);
        Assert.Equal("10.0.0.5:6379,10.0.0.6:6379", config.State.RedisEndpoints);
        Assert.Equal(TimeSpan.FromMilliseconds(20), config.State.Timeout);
        Assert.Equal(3, config.State.Replicas);
        Assert.Equal(StoreFailurePolicy.FailOpen, config.State.RequestsOnStoreFailure);
        Assert.Equal(StoreFailurePolicy.FailClosed, config.State.TokensOnStoreFailure);
        Assert.Equal("auth failed for *** at 10.0.0.5", config.State.Redact("auth failed for s3cret at 10.0.0.5"));
    }

    [Theory]
    [InlineData("state:\n  backend: redis\n", 2, 3, "state.backend is redis but state.redis is missing")]
    [InlineData("state:\n  redis: \"127.0.0.1:6379\"\n", 2, 10, "state.redis is set but state.backend is memory")]
    [InlineData("state:\n  backend: memcached\n", 2, 12, "state.backend must be memory or redis, not 'memcached'")]
    [InlineData("state:\n  backend: redis\n  redis: \"localhost\"\n", 3, 10, "state.redis: 'localhost' is not host:port")]
    [InlineData("state:\n  backend: redis\n  redis: \"127.0.0.1:6379,timeout=5\"\n", 3, 10, "state.redis: unknown option 'timeout'")]
    [InlineData("state:\n  backend: redis\n  redis: \"127.0.0.1:6379\"\n  timeout: 0ms\n", 4, 12, "state.timeout must be between")]
    [InlineData("state:\n  backend: redis\n  redis: \"127.0.0.1:6379\"\n  tokens: {onStoreFailure: ignore}\n", 4, 28, "state.tokens.onStoreFailure must be fail-open or fail-closed, not 'ignore'")]
    [InlineData("state:\n  backend: redis\n  redis: \"127.0.0.1:6379\"\n  requests: {onStoreFailur: fail-open}\n", 4, 14, "unknown key 'onStoreFailur' in state.requests; did you mean 'onStoreFailure'?")]
    public void An_invalid_state_section_is_reported_where_it_is_wrong(string yaml, int line, int column, string message)
    {
        var result = ConfigLoader.LoadText(yaml, "aigis.yaml");

        var error = Assert.Single(result.Errors);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_password_in_state_redis_never_appears_in_an_error()
    {
        var result = ConfigLoader.LoadText("state:\n  backend: redis\n  redis: \"nohost,password=hunter2\"\n", "aigis.yaml");

        Assert.NotEmpty(result.Errors);
        Assert.DoesNotContain(result.Errors, e => e.Message.Contains("hunter2", StringComparison.Ordinal));
    }

    private static AigisConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadText(yaml, "aigis.yaml");
        Assert.True(result.IsValid, string.Join('\n', result.Errors));
        return result.Config!;
    }
}

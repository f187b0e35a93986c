using Aigis.Core.Configuration;
using Aigis.Identity;
using Aigis.Limits.Redis;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Aigis.Limits;

/// <summary>
/// Makes the limit backend the <c>state</c> section asks for, and owns its connection: in memory, or Redis, reached
/// and proven able to run the limits script before the gateway takes a request.
/// </summary>
internal sealed class LimitBackends : IAsyncDisposable
{
    private readonly IConnectionMultiplexer? _redis;
    private readonly RedisLimitBackend? _redisBackend;

    private LimitBackends(ILimitBackend backend, IConnectionMultiplexer? redis)
    {
        Backend = backend;
        _redis = redis;
        _redisBackend = backend as RedisLimitBackend;
    }

    public ILimitBackend Backend { get; }

    /// <summary>One line for <c>/readyz</c>: where limits are decided and whether that store answers.</summary>
    public string Describe() => _redisBackend?.Describe() ?? "memory: this process only";

    public static async Task<LimitBackends> CreateAsync(StateConfig config, LimitRegistry registry, IdentityMetrics metrics, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        if (config.Backend == StateBackend.Memory)
        {
            return new LimitBackends(new LocalLimitBackend(registry), null);
        }

        var endpoints = config.RedisEndpoints;
        var options = ConfigurationOptions.Parse(config.Redis!);
        options.ClientName = "aigis";

        // The first connection must succeed (a gateway that starts without its shared limits would enforce them
        // per replica unannounced); after it, the client reconnects by itself, backing off to 5 s between tries.
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        options.ReconnectRetryPolicy = new ExponentialRetry(100, 5000);

        // While disconnected, fail at once rather than queue: the request is waiting, and the policy decides.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.AsyncTimeout = Math.Max(1, (int)config.Timeout.TotalMilliseconds);
        options.SyncTimeout = options.AsyncTimeout;
        ConnectionMultiplexer redis;
        try
        {
            redis = await ConnectionMultiplexer.ConnectAsync(options);
        }
        catch (RedisException e)
        {
            // The client's own message advises abortConnect=false, which is exactly the silent start to avoid.
            var why = e is RedisConnectionException connection ? connection.FailureType.ToString() : config.Redact(e.Message.Split('\n')[0]);
            throw new SharedStateUnavailableException($"state.redis {endpoints}: cannot connect ({why}); start Redis there or fix state.redis", e);
        }

        try
        {
            await RedisGcraScript.VerifyAsync(redis, endpoints, config.Redact);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        var backend = new RedisLimitBackend(redis, config, registry, metrics, timeProvider, loggerFactory.CreateLogger("Aigis.Limits"));
        return new LimitBackends(backend, redis);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}

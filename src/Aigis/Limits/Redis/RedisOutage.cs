using System.Globalization;
using Aigis.Core.Configuration;
using Microsoft.Extensions.Logging;

namespace Aigis.Limits.Redis;

/// <summary>
/// Whether Redis is answering the limiters, and since when not: logged once when an outage begins and once when it
/// ends (not per request, which would flood the log exactly when it matters), and described for <c>/readyz</c>.
/// </summary>
internal sealed partial class RedisOutage(StateConfig config, TimeProvider timeProvider, ILogger logger)
{
    private readonly Lock _lock = new();
    private long _since;
    private bool _down;
    private string? _lastError;

    public void Failed(Exception error)
    {
        lock (_lock)
        {
            _lastError = config.Redact(FirstLine(error.Message));
            if (_down)
            {
                return;
            }

            _down = true;
            _since = timeProvider.GetTimestamp();
        }

        Log.Unreachable(logger, config.RedisEndpoints, _lastError, Policy(config.RequestsOnStoreFailure), Policy(config.TokensOnStoreFailure));
    }

    public void Ended()
    {
        // The common case, read without the lock: nothing to do while Redis answers.
        if (!Volatile.Read(ref _down))
        {
            return;
        }

        TimeSpan lasted;
        lock (_lock)
        {
            if (!_down)
            {
                return;
            }

            _down = false;
            lasted = timeProvider.GetElapsedTime(_since);
        }

        Log.Recovered(logger, config.RedisEndpoints, (long)lasted.TotalMilliseconds);
    }

    public string Describe(bool connected)
    {
        lock (_lock)
        {
            var where = "redis " + config.RedisEndpoints;
            if (_down)
            {
                var seconds = (long)timeProvider.GetElapsedTime(_since).TotalSeconds;
                return string.Create(CultureInfo.InvariantCulture,
                    $"{where}: unreachable for {seconds}s ({_lastError}); requests {Policy(config.RequestsOnStoreFailure)}, tokens {Policy(config.TokensOnStoreFailure)}");
            }

            return connected ? where + ": ok" : where + ": reconnecting";
        }
    }

    /// <summary>What a policy does, in the words an operator reads in the log and /readyz.</summary>
    public string Policy(StoreFailurePolicy policy) => policy == StoreFailurePolicy.FailOpen
        ? string.Create(CultureInfo.InvariantCulture, $"fail-open (local limit / {config.Replicas})")
        : "fail-closed (503 limits_unavailable)";

    // SE.Redis messages run to several lines of diagnostics; the first says what happened.
    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Redis {Endpoints} is not answering the limiters ({Error}); requests {RequestsPolicy}, tokens {TokensPolicy} until it does")]
        public static partial void Unreachable(ILogger logger, string endpoints, string error, string requestsPolicy, string tokensPolicy);

        [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Redis {Endpoints} answers the limiters again after {OutageMs} ms; limits are shared again")]
        public static partial void Recovered(ILogger logger, string endpoints, long outageMs);
    }
}

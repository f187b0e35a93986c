using Microsoft.Extensions.Logging;

namespace Aigis.Deployers;

internal sealed partial class ProcessReplica
{
    private static partial class Log
    {
        [LoggerMessage(100, LogLevel.Information, "Replica {Replica} starting (pid {ProcessId}) at {Url}")]
        public static partial void Starting(ILogger logger, string replica, int processId, Uri url);

        [LoggerMessage(101, LogLevel.Information, "Replica {Replica} is healthy at {Url} and takes traffic")]
        public static partial void Healthy(ILogger logger, string replica, Uri url);

        [LoggerMessage(102, LogLevel.Warning, "Replica {Replica} {Failure}; restarting in {Delay}")]
        public static partial void WillRestart(ILogger logger, string replica, string failure, TimeSpan delay);

        [LoggerMessage(103, LogLevel.Error, "Replica {Replica} is in crash loop: {Failures} failures within {Window}, the last: {Failure}. It is not restarted until its service's process section changes")]
        public static partial void CrashLoop(ILogger logger, string replica, int failures, TimeSpan window, string failure);

        [LoggerMessage(104, LogLevel.Information, "Replica {Replica} stopped")]
        public static partial void Stopped(ILogger logger, string replica);

        [LoggerMessage(105, LogLevel.Error, "Supervising replica {Replica} failed; it is left stopped")]
        public static partial void SupervisionFailed(ILogger logger, string replica, Exception exception);
    }
}

using Microsoft.Extensions.Logging;

namespace Aigis.Deployers.Docker;

internal sealed partial class DockerReplica
{
    private static partial class Log
    {
        [LoggerMessage(132, LogLevel.Information, "Replica {Replica} starting in container {ContainerId} ({Image}) on 127.0.0.1:{Port}")]
        public static partial void Created(ILogger logger, string replica, string containerId, string image, int port);

        [LoggerMessage(133, LogLevel.Information, "Replica {Replica} adopted its running container {ContainerId} on 127.0.0.1:{Port}")]
        public static partial void Adopted(ILogger logger, string replica, string containerId, int port);

        [LoggerMessage(134, LogLevel.Information, "Replica {Replica} is healthy at {Url} and takes traffic")]
        public static partial void Healthy(ILogger logger, string replica, Uri url);

        [LoggerMessage(135, LogLevel.Warning, "Replica {Replica} {Failure}; restarting in {Delay}")]
        public static partial void WillRestart(ILogger logger, string replica, string failure, TimeSpan delay);

        [LoggerMessage(136, LogLevel.Error, "Replica {Replica} is in crash loop: {Failures} failures within {Window}, the last: {Failure}. It is not restarted until its service's docker section changes")]
        public static partial void CrashLoop(ILogger logger, string replica, int failures, TimeSpan window, string failure);

        [LoggerMessage(137, LogLevel.Information, "Replica {Replica} stopped; container {ContainerId} removed")]
        public static partial void Stopped(ILogger logger, string replica, string containerId);

        [LoggerMessage(138, LogLevel.Information, "Replica {Replica} detached; container {ContainerId} keeps running for the next aigis to adopt")]
        public static partial void Detached(ILogger logger, string replica, string containerId);

        [LoggerMessage(139, LogLevel.Warning, "Replica {Replica}: removing container {ContainerId} failed: {Reason}")]
        public static partial void RemoveFailed(ILogger logger, string replica, string containerId, string reason);

        [LoggerMessage(140, LogLevel.Error, "Supervising replica {Replica} failed; it is left as it is")]
        public static partial void SupervisionFailed(ILogger logger, string replica, Exception exception);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Aigis.Cli;

internal static class ConsoleLogging
{
    /// <summary>One line per event with a timestamp; framework chatter only from warnings up.</summary>
    public static ILoggerFactory Create(LogLevel level) => LoggerFactory.Create(logging => logging
        .SetMinimumLevel(level)
        .AddFilter("Microsoft", level > LogLevel.Warning ? level : LogLevel.Warning)
        .AddFilter("System", level > LogLevel.Warning ? level : LogLevel.Warning)
        .AddFilter("Yarp", level > LogLevel.Warning ? level : LogLevel.Warning)
        .AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss.fff ";
            console.UseUtcTimestamp = true;
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        }));
}

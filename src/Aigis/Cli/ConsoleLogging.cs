using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Aigis.Cli;

internal static class ConsoleLogging
{
    /// <summary>
    /// One line per event with a UTC timestamp; framework chatter only from warnings up. Exceptions print
    /// as type and message; their stack traces only at debug level, because the console is a user's screen.
    /// </summary>
    /// <param name="level">The least severe level written.</param>
    /// <param name="appLog">
    /// <c>telemetry.log</c>: JSON lines instead of text on the console (for log shippers), and a file the log is
    /// also appended to as JSON lines.
    /// </param>
    public static ILoggerFactory Create(LogLevel level, Core.Configuration.AppLogConfig? appLog = null) => LoggerFactory.Create(logging =>
    {
        var framework = level > LogLevel.Warning ? level : LogLevel.Warning;
        logging.SetMinimumLevel(level)
            .AddFilter("Microsoft", framework)
            .AddFilter("System", framework)
            .AddFilter("Yarp", framework)

            // The host's own "failed to start" report repeats what `aigis up` prints in one line.
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        if (appLog?.Format == Core.Configuration.LogFormat.Json)
        {
            logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }
        else
        {
            logging.AddConsole(console => console.FormatterName = AigisConsoleFormatter.FormatterName)
                .AddConsoleFormatter<AigisConsoleFormatter, AigisConsoleFormatterOptions>(options => options.IncludeStackTraces = level <= LogLevel.Debug);
        }

        if (appLog?.File is { } file)
        {
            logging.AddProvider(new Telemetry.JsonLinesLoggerProvider(Telemetry.JsonLineSink.Open(file, null), TimeProvider.System));
        }
    });
}

internal sealed class AigisConsoleFormatterOptions : ConsoleFormatterOptions
{
    public bool IncludeStackTraces { get; set; }
}

internal sealed class AigisConsoleFormatter(IOptionsMonitor<AigisConsoleFormatterOptions> options) : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "aigis";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        textWriter.Write(DateTimeOffset.UtcNow.ToString("HH:mm:ss.fff ", System.Globalization.CultureInfo.InvariantCulture));
        textWriter.Write(Level(logEntry.LogLevel));
        textWriter.Write(' ');
        textWriter.Write(logEntry.Category);
        textWriter.Write(": ");
        textWriter.Write(message.ReplaceLineEndings(" "));
        if (logEntry.Exception is { } exception)
        {
            textWriter.Write(options.CurrentValue.IncludeStackTraces
                ? Environment.NewLine + exception
                : $" ({exception.GetType().Name}: {exception.Message.ReplaceLineEndings(" ")})");
        }

        textWriter.Write(Environment.NewLine);
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        LogLevel.Critical => "crit",
        _ => "    ",
    };
}

using System.Buffers;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Aigis.Telemetry;

/// <summary>
/// The application log as JSON lines to a file (<c>telemetry.log.file</c>): one object per event with its time,
/// level, category, event id, message, and the named values of the message template. Messages never carry
/// secrets (keys are logged by id), so neither does this.
/// </summary>
internal sealed class JsonLinesLoggerProvider(JsonLineSink sink, TimeProvider time) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new JsonLinesLogger(sink, time, categoryName);

    public void Dispose() => sink.DisposeAsync().AsTask().GetAwaiter().GetResult();

    private sealed class JsonLinesLogger(JsonLineSink sink, TimeProvider time, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var buffer = new ArrayBufferWriter<byte>(512);
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartObject();
                json.WriteString("ts", time.GetUtcNow());
                json.WriteString("level", logLevel.ToString());
                json.WriteString("category", category);
                json.WriteNumber("event_id", eventId.Id);
                json.WriteString("message", formatter(state, exception));
                if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
                {
                    foreach (var (name, value) in values)
                    {
                        if (name != "{OriginalFormat}")
                        {
                            json.WriteString(name, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                        }
                    }
                }

                if (exception is not null)
                {
                    json.WriteString("exception", $"{exception.GetType().Name}: {exception.Message}");
                }

                json.WriteEndObject();
            }

            sink.Write(buffer.WrittenSpan);
        }
    }
}

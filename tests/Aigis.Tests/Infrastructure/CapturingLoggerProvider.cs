using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Aigis.Tests.Infrastructure;

/// <summary>One log entry as a test sees it.</summary>
internal sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>Keeps every log entry in memory, so tests can assert on what aigis reported.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            provider.Entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception)));
    }
}

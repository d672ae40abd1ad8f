using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>Keeps every log line in memory, so tests can check what was (and was not) logged.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    internal sealed record LogLine(LogLevel Level, int EventId, string Message, Exception? Exception);

    private sealed class ListLogger(ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue(new LogLine(logLevel, eventId.Id, formatter(state, exception), exception));
    }
}

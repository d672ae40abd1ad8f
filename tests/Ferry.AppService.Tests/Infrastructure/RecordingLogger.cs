using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>Keeps every log line, formatted as an operator reads it, to assert what the agent tells its operator.</summary>
internal sealed class RecordingLogger : ILogger
{
    private readonly ConcurrentQueue<LogLine> _lines = new();

    public IReadOnlyList<LogLine> Lines => _lines.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(new LogLine(logLevel, formatter(state, exception)));
}

internal sealed record LogLine(LogLevel Level, string Message);

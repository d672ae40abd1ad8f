using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Logging;

/// <summary>
/// Structured logs to stderr, stdout or a file, as text or JSON lines (teleport.log in teleport.yaml).
/// The console logger of Microsoft.Extensions.Logging cannot write to a file, hence this small provider;
/// one writer, one lock, one line per event.
/// </summary>
internal sealed class FerryLoggerProvider : ILoggerProvider
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly bool _json;
    private readonly LogLevel _minimum;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, FerryLogger> _loggers = new(StringComparer.Ordinal);

    public FerryLoggerProvider(TextWriter writer, bool ownsWriter, bool json, LogLevel minimum, TimeProvider time)
    {
        _writer = writer;
        _ownsWriter = ownsWriter;
        _json = json;
        _minimum = minimum;
        _time = time;
    }

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, name => new FerryLogger(this, name));

    internal bool IsEnabled(LogLevel level) => level >= _minimum && level != LogLevel.None;

    internal void Write(string category, LogLevel level, EventId eventId, string message, Exception? exception, IReadOnlyList<KeyValuePair<string, object?>>? state)
    {
        var line = _json
            ? LogLineFormatter.Json(_time.GetUtcNow(), category, level, eventId, message, exception, state)
            : LogLineFormatter.Text(_time.GetUtcNow(), category, level, message, exception);
        lock (_lock)
        {
            _writer.WriteLine(line);
            _writer.Flush();
        }
    }

    public void Dispose()
    {
        if (_ownsWriter)
        {
            _writer.Dispose();
        }
    }

    private sealed class FerryLogger(FerryLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => provider.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            provider.Write(category, logLevel, eventId, formatter(state, exception), exception, state as IReadOnlyList<KeyValuePair<string, object?>>);
        }
    }
}

using Microsoft.Extensions.Logging;

namespace Ferry.Tsh.Commands;

/// <summary>
/// The local proxy's warnings (a refused signature and why, an unreachable Ferry proxy) on tsh's stderr, one plain
/// line each, so a user whose client gets a 403 from <c>tsh proxy aws</c> sees the reason in the terminal running it.
/// Hand-written rather than Microsoft.Extensions.Logging.Console: that provider's options and formatters bring
/// configuration binding into the native tsh for what is one line of text. The messages never hold a secret
/// (src/Ferry.LocalProxy/LocalProxyLog.cs).
/// </summary>
internal sealed class StderrLogs(TextWriter error, LogLevel minimum = LogLevel.Warning) : ILoggerFactory, ILogger
{
    public ILogger CreateLogger(string categoryName) => this;

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        var level = logLevel switch { LogLevel.Warning => "WARN", LogLevel.Error or LogLevel.Critical => "ERROR", _ => "INFO" };
        var line = $"{level} [local proxy] {formatter(state, exception)}{(exception is null ? "" : ": " + exception.Message)}";
        lock (error)
        {
            error.WriteLine(line);
            error.Flush();
        }
    }

    public void Dispose()
    {
    }
}

using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>Sends the servers' logs to the test's output, so a failing test shows what the tunnel did.</summary>
internal sealed class TestOutputLoggerProvider(ITestOutputHelper output, string prefix) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(output, prefix, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(ITestOutputHelper output, string prefix, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= (category.StartsWith("Ferry", StringComparison.Ordinal) || category.Contains("Kestrel", StringComparison.Ordinal) ? LogLevel.Debug : LogLevel.Warning);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            try
            {
                var error = exception is null ? "" : $" [{exception.GetType().Name}: {exception.Message}]";
                output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {prefix} {logLevel} {eventId.Id} {formatter(state, exception)}{error}");
            }
            catch (InvalidOperationException)
            {
                // The test has finished; its output is closed.
            }
        }
    }
}

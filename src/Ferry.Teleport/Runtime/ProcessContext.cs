using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>What every service of the daemon shares: time, logging, and the console for start-up lines.</summary>
internal sealed record ProcessContext(TimeProvider Time, ILoggerFactory LoggerFactory, Action<ILoggingBuilder> ConfigureLogging, TextWriter Console, bool Insecure)
{
    public ILogger Logger { get; } = LoggerFactory.CreateLogger("Ferry.Teleport");
}

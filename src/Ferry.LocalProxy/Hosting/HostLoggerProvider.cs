using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Hosting;

/// <summary>
/// Hands the embedded ASP.NET Core host's logs to tsh's logger factory. The host is filtered to warnings
/// (see <see cref="AwsLocalProxy.StartAsync"/>): its per-request information and debug lines would cost more than
/// the proxying itself and say nothing a tsh user needs.
/// </summary>
internal sealed class HostLoggerProvider(ILoggerFactory factory) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => factory.CreateLogger(categoryName);

    public void Dispose()
    {
        // The factory belongs to the caller.
    }
}

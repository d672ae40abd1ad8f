using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Identity;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// The host certificates auth issues to services of its own process (its TLS listener, the tctl admin identity, an
/// in-process proxy): they live days like every host certificate (docs/security.md), so they are re-issued here at
/// half-life, without a restart and without a network call.
/// </summary>
internal sealed partial class LocalIdentities : IAsyncDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    private readonly List<(string Name, CertificateSource Source, Func<CancellationToken, Task<X509Certificate2>> Reissue)> _identities = [];
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public LocalIdentities(TimeProvider time, ILogger logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>Keeps <paramref name="source"/> fresh with <paramref name="reissue"/> (which also persists it where needed).</summary>
    public CertificateSource Add(string name, X509Certificate2 initial, Func<CancellationToken, Task<X509Certificate2>> reissue)
    {
        var source = new CertificateSource(initial);
        lock (_identities)
        {
            _identities.Add((name, source, reissue));
        }

        _loop ??= Task.Run(() => RunAsync(_stop.Token));
        return source;
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(CheckEvery, _time);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            List<(string Name, CertificateSource Source, Func<CancellationToken, Task<X509Certificate2>> Reissue)> due;
            lock (_identities)
            {
                due = _identities.Where(i => i.Source.DueForRenewal(_time.GetUtcNow())).ToList();
            }

            foreach (var (name, source, reissue) in due)
            {
                try
                {
                    source.Replace(await reissue(stop));
                    LogRenewed(_logger, name, source.Current.NotAfter.ToUniversalTime());
                }
                catch (Exception e) when (e is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    LogFailed(_logger, name, e);
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1100, Level = LogLevel.Information, Message = "Renewed the {Name} certificate; valid until {Expires:u}")]
    private static partial void LogRenewed(ILogger logger, string name, DateTime expires);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Renewing the {Name} certificate failed; will retry")]
    private static partial void LogFailed(ILogger logger, string name, Exception exception);
}

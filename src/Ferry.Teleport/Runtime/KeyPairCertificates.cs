using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Config;
using Ferry.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// proxy_service.https_keypairs: the certificates the proxy serves instead of its own host certificate. With several
/// pairs the TLS handshake picks the one whose names cover the requested host (SNI), else the first. With
/// https_keypairs_reload_interval the files are read again on that schedule (certbot renewals need no restart); a
/// reload that fails keeps the last good certificates and says why in the log.
/// </summary>
internal sealed partial class KeyPairCertificates : IAsyncDisposable
{
    private readonly IReadOnlyList<KeyPairConfig> _pairs;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task? _reloading;
    private volatile IReadOnlyList<X509Certificate2> _certificates;

    private KeyPairCertificates(IReadOnlyList<KeyPairConfig> pairs, TimeSpan reloadInterval, TimeProvider time, ILogger logger)
    {
        _pairs = pairs;
        _logger = logger;
        _certificates = Load(pairs);
        if (reloadInterval > TimeSpan.Zero)
        {
            _reloading = Task.Run(() => ReloadAsync(reloadInterval, time, _stop.Token));
        }
    }

    /// <summary>Null when the config names no key pairs (the proxy serves its host certificate).</summary>
    public static KeyPairCertificates? From(ProxyServiceConfig proxy, TimeProvider time, ILogger logger) =>
        proxy.HttpsKeyPairs.Count == 0 ? null : new KeyPairCertificates(proxy.HttpsKeyPairs, proxy.HttpsKeyPairsReloadInterval, time, logger);

    /// <summary>The certificate for a handshake that asked for <paramref name="serverName"/> (SNI; null without).</summary>
    public X509Certificate2 Select(string? serverName)
    {
        var certificates = _certificates;
        if (!string.IsNullOrEmpty(serverName) && Uri.CheckHostName(serverName) != UriHostNameType.Unknown)
        {
            foreach (var certificate in certificates)
            {
                if (certificate.MatchesHostname(serverName, allowWildcards: true))
                {
                    return certificate;
                }
            }
        }

        return certificates[0];
    }

    private async Task ReloadAsync(TimeSpan interval, TimeProvider time, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                _certificates = Load(_pairs);
                LogReloaded(_logger, _pairs.Count);
            }
            catch (FerryException e)
            {
                LogReloadFailed(_logger, e.Message);
            }
        }
    }

    private static IReadOnlyList<X509Certificate2> Load(IReadOnlyList<KeyPairConfig> pairs) => pairs.Select(pair =>
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(pair.CertFile, pair.KeyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw FerryException.BadParameter(
                $"proxy_service.https_keypairs: cannot load {pair.CertFile} with key {pair.KeyFile}: {e.Message}; they must be PEM files of one certificate and its key");
        }
    }).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_reloading is not null)
        {
            try
            {
                await _reloading;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 1110, Level = LogLevel.Debug, Message = "Reloaded {Count} https_keypairs")]
    private static partial void LogReloaded(ILogger logger, int count);

    [LoggerMessage(EventId = 1111, Level = LogLevel.Warning, Message = "Reloading https_keypairs failed; keeping the last good certificates: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}

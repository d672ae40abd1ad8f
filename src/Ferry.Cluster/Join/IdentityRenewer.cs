using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Identity;
using Microsoft.Extensions.Logging;

namespace Ferry.Cluster.Join;

/// <summary>
/// Renews a joined host's certificate (an agent's, a separate proxy's) at half its lifetime (auth issues them for days, docs/security.md): a new key,
/// a fresh certificate from auth for it, kept on disk and used for every new connection. Failures are retried at the
/// next check; a registration auth no longer has (the host was removed) ends in "join again".
/// </summary>
public sealed partial class IdentityRenewer : IAsyncDisposable
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    private readonly HostIdentity _identity;
    private readonly Func<AuthClient> _auth;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public IdentityRenewer(HostIdentity identity, Func<AuthClient> auth, TimeProvider time, ILogger logger)
    {
        _identity = identity;
        _auth = auth;
        _time = time;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(CheckEvery, _time);
        do
        {
            if (!_identity.Source.DueForRenewal(_time.GetUtcNow()))
            {
                continue;
            }

            try
            {
                await RenewAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(_logger, _identity.Source.Current.NotAfter.ToUniversalTime(), e);
            }
        }
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false));
    }

    public async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var auth = _auth();
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var renewed = await auth.RenewHostAsync(new RenewHostRequest { PublicKey = key.ExportSubjectPublicKeyInfoPem() }, cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(renewed.CertPem);
        var file = IdentityFile.Create(key, certificate, _identity.File.HostCaPem, _identity.File.UserCaPem);
        _identity.Replace(file);
        LogRenewed(_logger, file.Certificate.NotAfter.ToUniversalTime());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "Renewed this host's certificate; it is valid until {Expires:u}")]
    private static partial void LogRenewed(ILogger logger, DateTime expires);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Renewing the host certificate (valid until {Expires:u}) failed; will retry")]
    private static partial void LogFailed(ILogger logger, DateTime expires, Exception exception);
}

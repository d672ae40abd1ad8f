using Ferry.Client.Http;
using Ferry.Client.Profiles;
using Ferry.Core.Errors;
using Ferry.LocalProxy;
using Ferry.LocalProxy.Certificates;

namespace Ferry.Tsh.Commands;

/// <summary>
/// Starts the local AWS proxy for one app login (docs/aws-access.md §1.2–§1.5): throwaway credentials, a
/// local CA written 0600 beside the app certificate, and the app certificate as client certificate towards
/// the Ferry proxy.
/// </summary>
internal static class AwsProxyLauncher
{
    public static async Task<AwsLocalProxy> StartAsync(TshContext context, Profile profile, AppLogin login, AwsLocalProxyMode mode, int port, CancellationToken cancellationToken, Microsoft.Extensions.Logging.ILoggerFactory? logs = null)
    {
        var store = context.Store;
        var certificate = LoadAppCertificate(store, profile, login);

        var (hostCa, _) = store.LoadCas(profile);
        var trust = ServerTrust.ForProxy(hostCa);
        var proxy = new AwsLocalProxy(new AwsLocalProxyOptions
        {
            Mode = mode,
            Port = port,
            LocalCredentials = AwsLocalProxy.CreateLocalCredentials(Environment.GetEnvironmentVariable),
            Ca = LocalCertificateAuthority.FromAppCertificate(certificate),
            CaBundlePath = store.AppLocalCaPath(profile, login.AppName),
            UpstreamBase = new Uri($"https://{profile.ProxyAddress}"),
            ClientCertificate = certificate,
            UpstreamCertificateValidation = (_, serverCertificate, chain, errors) => trust.Validate(serverCertificate, chain, errors),
            SystemProxy = SystemProxySettings.FromEnvironment(Environment.GetEnvironmentVariable),
            LoggerFactory = logs,
        });
        try
        {
            await proxy.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await proxy.DisposeAsync();
            throw FerryException.BadParameter(e.Message + "; choose another port with -p");
        }

        return proxy;
    }

    /// <summary>The app certificate with its key; refused, saying what to run, for a non-AWS app or an expired login.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadAppCertificate(ProfileStore store, Profile profile, AppLogin login)
    {
        if (login.AwsRoleArn is null)
        {
            throw FerryException.BadParameter($"app \"{login.AppName}\" is not an AWS app");
        }

        var certificate = store.LoadCertificate(profile, store.AppCertificatePath(profile, login.AppName));
        if (certificate.NotAfter.ToUniversalTime() <= DateTime.UtcNow)
        {
            certificate.Dispose();
            throw FerryException.AccessDenied($"your certificate for app \"{login.AppName}\" has expired; run: tsh login, then tsh apps login {login.AppName}");
        }

        return certificate;
    }
}

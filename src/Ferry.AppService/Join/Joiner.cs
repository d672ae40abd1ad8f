using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Join;

/// <summary>
/// Gets the agent its host certificate. Once joined, the identity is kept 0600 in data_dir so a restart needs
/// no token. To join, the agent learns the cluster's CAs from the proxy and accepts them only when they match
/// teleport.ca_pin, or when the proxy's own certificate is trusted by this machine (a public certificate);
/// with neither it refuses, unless started with --insecure. Auth assigns the host id. After the join the proxy
/// must always prove itself (system roots, or the host CA with the Proxy role), --insecure or not.
/// </summary>
public static partial class Joiner
{
    public static async Task<AgentIdentity> JoinOrLoadAsync(AppServiceOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var path = AdminIdentity.HostIdentityPath(options.DataDir, SystemRoles.App);
        if (File.Exists(path))
        {
            var existing = IdentityFile.Load(path);
            if (existing.Certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddMinutes(1))
            {
                LogLoaded(logger, path);
                return new AgentIdentity(existing, ServerTrust.ForProxy(existing.HostCa()), path);
            }

            LogExpired(logger, path);
        }

        if (string.IsNullOrWhiteSpace(options.JoinToken))
        {
            throw FerryException.BadParameter(
                "this app service has not joined the cluster yet: set teleport.join_params.token_name to a token from `tctl tokens add --type=app` (or to a file holding it)");
        }

        var cas = await FetchCasAsync(options, cancellationToken);
        var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
        // --insecure only bootstraps the join; from here on the proxy must prove it is a Proxy of this cluster.
        var trust = ServerTrust.ForProxy(hostCa);
        using var proxy = new ProxyClient(options.ProxyAddress, options.Insecure ? new ServerTrust(true, hostCa) : trust);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var response = await proxy.JoinAsync(
            new JoinRequest
            {
                Token = options.JoinToken.Trim(),
                Role = SystemRoles.App,
                NodeName = options.NodeName,
                PublicKey = key.ExportSubjectPublicKeyInfoPem(),
            },
            cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(response.CertPem);
        var identity = IdentityFile.Create(key, certificate, response.HostCaPem, response.UserCaPem);
        identity.Save(path);
        LogJoined(logger, response.ClusterName, response.HostId, options.ProxyAddress);
        return new AgentIdentity(identity, trust, path);
    }

    private static async Task<CaResponse> FetchCasAsync(AppServiceOptions options, CancellationToken cancellationToken)
    {
        if (options.CaPins.Count > 0 || options.Insecure)
        {
            // The answer is checked against the pin below, so the transport need not be trusted yet.
            using var unverified = new ProxyClient(options.ProxyAddress, new ServerTrust(true, null));
            var cas = await unverified.CasAsync(cancellationToken);
            using var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
            if (options.CaPins.Count > 0 && !CaPin.Matches(hostCa, options.CaPins))
            {
                throw FerryException.AccessDenied(
                    $"the cluster at {options.ProxyAddress} has CA pin {CaPin.Compute(hostCa)}, which is not the configured teleport.ca_pin; check that proxy_server names the right cluster");
            }

            return cas;
        }

        try
        {
            using var verified = new ProxyClient(options.ProxyAddress, ServerTrust.System);
            return await verified.CasAsync(cancellationToken);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.Unavailable && e.Message.Contains("TLS", StringComparison.Ordinal))
        {
            throw FerryException.AccessDenied(
                $"cannot verify the proxy at {options.ProxyAddress}: its certificate is not trusted by this machine. " +
                "Set teleport.ca_pin to the CA pin that `tctl status` prints (or start with --insecure in a test setup)");
        }
    }

    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "Loaded the app service identity from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 7001, Level = LogLevel.Warning, Message = "The app service identity at {Path} has expired; joining again")]
    private static partial void LogExpired(ILogger logger, string path);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Joined cluster {Cluster} as host {HostId} through {Proxy}")]
    private static partial void LogJoined(ILogger logger, string cluster, string hostId, string proxy);
}

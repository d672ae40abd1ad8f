using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Microsoft.Extensions.Logging;

namespace Ferry.Cluster.Join;

/// <summary>What a host needs to join, and where it keeps the result.</summary>
/// <param name="JoinApi">The join API: an agent's proxy (https://proxy/v1/webapi/) or, for a separate proxy, auth (https://auth/v1/).</param>
/// <param name="ServerRole">The system role the server must prove once the CA is known (Proxy for agents, Auth for proxies).</param>
public sealed record JoinSettings(
    Uri JoinApi,
    string ServerName,
    string Role,
    string ServerRole,
    string IdentityPath,
    string? Token,
    string NodeName,
    IReadOnlyList<string> CaPins,
    bool Insecure,
    IReadOnlyList<string> DnsNames);

/// <summary>
/// Gets a host its identity. Once joined, the identity is kept 0600 in data_dir so a restart needs no token. To join,
/// the host learns the cluster's CAs from the server and accepts them only when they match teleport.ca_pin, or when
/// the server's own certificate is trusted by this machine (a public certificate); with neither it refuses, unless
/// started with --insecure. Auth assigns the host id. After the join the server must always prove itself (system
/// roots, or the host CA with the expected role), --insecure or not.
/// </summary>
public static partial class HostJoiner
{
    public static async Task<HostIdentity> JoinOrLoadAsync(JoinSettings settings, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(settings.IdentityPath))
        {
            var existing = IdentityFile.Load(settings.IdentityPath);
            if (existing.Certificate.NotAfter.ToUniversalTime() > DateTime.UtcNow.AddMinutes(1))
            {
                LogLoaded(logger, settings.IdentityPath);
                return new HostIdentity(existing, Trust(settings, existing.HostCa()), settings.IdentityPath);
            }

            LogExpired(logger, settings.IdentityPath);
        }

        var kind = settings.Role.ToLowerInvariant();
        if (string.IsNullOrWhiteSpace(settings.Token))
        {
            throw FerryException.BadParameter(
                $"this {kind} service has not joined the cluster yet: set teleport.join_params.token_name to a token from `tctl tokens add --type={kind}` (or to a file holding it)");
        }

        var cas = await FetchCasAsync(settings, cancellationToken);
        var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
        var trust = Trust(settings, hostCa);
        // --insecure only bootstraps the join; from here on the server must prove it is what it should be.
        using var api = new ApiCaller(FerryHttp.CreateClient(settings.JoinApi, settings.Insecure ? new ServerTrust(true, hostCa) : trust, (X509Certificate2?)null), settings.ServerName);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var response = await api.SendJsonAsync<JoinResponse>(
            HttpMethod.Post,
            "join",
            new JoinRequest
            {
                Token = settings.Token.Trim(),
                Role = settings.Role,
                NodeName = settings.NodeName,
                PublicKey = key.ExportSubjectPublicKeyInfoPem(),
                DnsNames = settings.DnsNames,
            },
            cancellationToken);
        using var certificate = X509Certificate2.CreateFromPem(response.CertPem);
        var identity = IdentityFile.Create(key, certificate, response.HostCaPem, response.UserCaPem);
        identity.Save(settings.IdentityPath);
        LogJoined(logger, response.ClusterName, response.HostId, settings.ServerName);
        return new HostIdentity(identity, trust, settings.IdentityPath);
    }

    private static ServerTrust Trust(JoinSettings settings, X509Certificate2 hostCa) => new(false, hostCa, settings.ServerRole);

    private static async Task<CaResponse> FetchCasAsync(JoinSettings settings, CancellationToken cancellationToken)
    {
        if (settings.CaPins.Count > 0 || settings.Insecure)
        {
            // The answer is checked against the pin below, so the transport need not be trusted yet.
            using var unverified = new ApiCaller(FerryHttp.CreateClient(settings.JoinApi, new ServerTrust(true, null), (X509Certificate2?)null), settings.ServerName);
            var cas = await unverified.GetAsync<CaResponse>("cas", cancellationToken);
            using var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
            if (settings.CaPins.Count > 0 && !CaPin.Matches(hostCa, settings.CaPins))
            {
                throw FerryException.AccessDenied(
                    $"the cluster at {settings.ServerName} has CA pin {CaPin.Compute(hostCa)}, which is not the configured teleport.ca_pin; check that the address names the right cluster");
            }

            return cas;
        }

        try
        {
            using var verified = new ApiCaller(FerryHttp.CreateClient(settings.JoinApi, ServerTrust.System, (X509Certificate2?)null), settings.ServerName);
            return await verified.GetAsync<CaResponse>("cas", cancellationToken);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.Unavailable && e.Message.Contains("TLS", StringComparison.Ordinal))
        {
            throw FerryException.AccessDenied(
                $"cannot verify {settings.ServerName}: its certificate is not trusted by this machine. " +
                "Set teleport.ca_pin to the CA pin that `tctl status` prints (or start with --insecure in a test setup)");
        }
    }

    [LoggerMessage(EventId = 6110, Level = LogLevel.Information, Message = "Loaded this host's identity from {Path}")]
    private static partial void LogLoaded(ILogger logger, string path);

    [LoggerMessage(EventId = 6111, Level = LogLevel.Warning, Message = "The host identity at {Path} has expired; joining again")]
    private static partial void LogExpired(ILogger logger, string path);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Information, Message = "Joined cluster {Cluster} as host {HostId} through {Server}")]
    private static partial void LogJoined(ILogger logger, string cluster, string hostId, string server);
}

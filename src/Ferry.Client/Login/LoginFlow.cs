using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Client.Profiles;
using Ferry.Core.Api;

namespace Ferry.Client.Login;

/// <summary>
/// tsh login: generate a fresh key here, prove password (+ TOTP) to the proxy, receive a certificate for
/// that key, store key and certificate 0600. The private key never leaves this machine.
/// </summary>
public sealed class LoginFlow
{
    private readonly ProfileStore _store;

    public LoginFlow(ProfileStore store)
    {
        _store = store;
    }

    public async Task<Profile> LoginAsync(string proxyAddress, string user, Func<PingResponse, Task<Credentials>> askCredentials, TimeSpan? ttl, bool insecure, CancellationToken cancellationToken)
    {
        using var proxy = new ProxyClient(proxyAddress, new ServerTrust(insecure, null));
        var ping = await proxy.PingAsync(cancellationToken);
        var credentials = await askCredentials(ping);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var response = await proxy.LoginAsync(
            new LoginRequest
            {
                User = user,
                Password = credentials.Password,
                OtpCode = credentials.OtpCode,
                PublicKey = key.ExportSubjectPublicKeyInfoPem(),
                Ttl = ttl,
            },
            cancellationToken);
        var profile = new Profile { ProxyAddress = proxyAddress, Username = response.Username, ClusterName = response.ClusterName, Insecure = insecure };
        _store.Save(profile, key, response.CertPem, response.HostCaPem, response.UserCaPem);
        return profile;
    }

    /// <summary>Normalises --proxy: adds the default web port 3080 when none is given (443 stays if written).</summary>
    public static string NormalizeProxyAddress(string proxy)
    {
        var value = proxy.Trim();
        if (value.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            value = value["https://".Length..];
        }

        value = value.TrimEnd('/');
        var colon = value.LastIndexOf(':');
        return colon > 0 && int.TryParse(value[(colon + 1)..], out _) ? value : value + ":3080";
    }

    /// <summary>An API client for the current profile: the auth API through the proxy, with the user certificate.</summary>
    public static AuthClient AuthClientFor(ProfileStore store, Profile profile)
    {
        var certificate = store.LoadUserCertificate(profile);
        var (hostCa, _) = store.LoadCas(profile);
        var trust = new ServerTrust(profile.Insecure, hostCa);
        var http = FerryHttp.CreateClient(new Uri($"https://{profile.ProxyAddress}/v1/auth/"), trust, certificate);
        return new AuthClient(new ApiCaller(http, $"the proxy at {profile.ProxyAddress}"));
    }
}

public sealed record Credentials(string Password, string? OtpCode);

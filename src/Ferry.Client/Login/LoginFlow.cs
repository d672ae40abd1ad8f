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
        return await SaveAsync(proxyAddress, key, response, insecure, cancellationToken);
    }

    /// <summary>
    /// tsh login --auth=NAME: a browser login through a single sign-on connector (docs/sso.md). The proxy answers with
    /// the identity provider's URL, which <paramref name="showUrl"/> prints (and may open); the browser comes back to
    /// this process's loopback listener with the certificate sealed for it.
    /// </summary>
    public async Task<Profile> LoginSsoAsync(
        string proxyAddress, string connector, Func<Uri, Task> showUrl, TimeSpan? ttl, bool insecure, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var proxy = new ProxyClient(proxyAddress, new ServerTrust(insecure, null));
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var listener = SsoCallbackListener.Start();
        var started = await proxy.BeginConsoleSsoAsync(
            new SsoConsoleLoginRequest
            {
                Connector = connector,
                PublicKey = key.ExportSubjectPublicKeyInfoPem(),
                ClientRedirectUrl = listener.RedirectUrl,
                SealKey = listener.SealKey,
                Ttl = ttl,
                ProxyAddr = proxyAddress,
            },
            cancellationToken);
        await showUrl(new Uri(started.RedirectUrl));
        var response = await listener.WaitAsync(timeout, cancellationToken);
        return await SaveAsync(proxyAddress, key, response, insecure, cancellationToken);
    }

    private async Task<Profile> SaveAsync(string proxyAddress, ECDsa key, LoginResponse response, bool insecure, CancellationToken cancellationToken)
    {
        // --insecure covers this login only: later connections verify the proxy with what was learnt here (or system roots).
        var profile = new Profile { ProxyAddress = proxyAddress, Username = response.Username, ClusterName = response.ClusterName };
        var previousApps = _store.Current() is { } previous && previous.ProxyHost == profile.ProxyHost && previous.Username == profile.Username
            ? _store.AppLogins(profile)
            : [];
        _store.Save(profile, key, response.CertPem, response.HostCaPem, response.UserCaPem);
        Refreshed = await RefreshAppLoginsAsync(profile, key, previousApps, insecure, cancellationToken);
        return profile;
    }

    /// <summary>After <see cref="LoginAsync"/>: the app logins that were renewed for the new key, and those that could not be.</summary>
    public AppRefresh Refreshed { get; private set; } = new([], []);

    /// <summary>
    /// A new login makes a new key, so the app certificates of the last one no longer match it: each app login is made
    /// again for the new key (same app, same IAM role); one that cannot be (the role is gone) is removed, and named.
    /// </summary>
    private async Task<AppRefresh> RefreshAppLoginsAsync(Profile profile, ECDsa key, IReadOnlyList<AppLogin> logins, bool insecure, CancellationToken cancellationToken)
    {
        if (logins.Count == 0)
        {
            return new AppRefresh([], []);
        }

        var renewed = new List<string>();
        var dropped = new List<(string App, string Reason)>();
        using var client = AuthClientFor(_store, profile, insecure);
        foreach (var login in logins)
        {
            try
            {
                var session = await client.CreateAppSessionAsync(
                    new CreateAppSessionRequest { AppName = login.AppName, AwsRoleArn = login.AwsRoleArn, PublicKey = key.ExportSubjectPublicKeyInfoPem() },
                    cancellationToken);
                _store.SaveAppLogin(profile, login with { SessionId = session.SessionId, Expires = session.Expires, PublicAddr = session.PublicAddr, Uri = session.AppUri }, session.CertPem);
                renewed.Add(login.AppName);
            }
            catch (Core.Errors.FerryException e)
            {
                _store.RemoveAppLogin(profile, login.AppName);
                dropped.Add((login.AppName, e.Message));
            }

            try
            {
                await client.DeleteAppSessionAsync(login.SessionId, cancellationToken);
            }
            catch (Core.Errors.FerryException)
            {
                // The old session may have expired already; it cannot be used without the old key anyway.
            }
        }

        return new AppRefresh(renewed, dropped);
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

    /// <summary>
    /// An API client for the current profile: the auth API through the proxy, with the user certificate. The proxy must
    /// prove itself (system roots, or the cluster's host CA with the Proxy role) unless <paramref name="insecure"/> is
    /// passed on this very command.
    /// </summary>
    public static AuthClient AuthClientFor(ProfileStore store, Profile profile, bool insecure = false)
    {
        var certificate = store.LoadUserCertificate(profile);
        var (hostCa, _) = store.LoadCas(profile);
        var trust = insecure ? new ServerTrust(true, hostCa) : ServerTrust.ForProxy(hostCa);
        var http = FerryHttp.CreateClient(new Uri($"https://{profile.ProxyAddress}/v1/auth/"), trust, certificate);
        return new AuthClient(new ApiCaller(http, $"the proxy at {profile.ProxyAddress}"));
    }
}

public sealed record Credentials(string Password, string? OtpCode);

/// <summary>What a new login did to the app logins of the previous one.</summary>
public sealed record AppRefresh(IReadOnlyList<string> Renewed, IReadOnlyList<(string App, string Reason)> Dropped);

using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Audit;
using Ferry.Auth.Authorities;
using Ferry.Auth.Storage;
using Ferry.Auth.Tokens;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Hosts;

/// <summary>
/// Host identities: joins with a token, renewals, and the identities auth issues to services in its own process.
/// <code>
///   join: token valid for the role → auth picks a fresh host id (a host can neither choose nor reuse one)
///         → /hosts/&lt;id&gt; created with the role and, for app agents, the token's app_names
///         → certificate for the host's own key: no client-chosen DNS names for agents; proxies get only names
///           under the cluster's proxy public hosts
///   renew: the host's current certificate → a fresh one for a new key, same id and role, only while /hosts/&lt;id&gt; exists
/// </code>
/// </summary>
public sealed class HostService
{
    private readonly TokenService _tokens;
    private readonly CertIssuer _issuer;
    private readonly AuditLog _audit;
    private readonly AuthServerOptions _options;
    private readonly IBackend _backend;
    private readonly TimeProvider _time;

    public HostService(TokenService tokens, CertIssuer issuer, AuditLog audit, AuthServerOptions options, IBackend backend, TimeProvider time)
    {
        _tokens = tokens;
        _issuer = issuer;
        _audit = audit;
        _options = options;
        _backend = backend;
        _time = time;
    }

    public async ValueTask<JoinResponse> JoinAsync(JoinRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        ProvisionToken token;
        try
        {
            token = await _tokens.ValidateAsync(request.Token, request.Role, cancellationToken);
        }
        catch (FerryException e)
        {
            await _audit.EmitAsync(
                _audit.NewEvent(EventTypes.InstanceJoin, request.NodeName, success: false, error: e.Message)
                    .Set("role", request.Role).Set("node_name", request.NodeName).Set("addr.remote", remoteAddr),
                cancellationToken);
            throw;
        }

        var dnsNames = request.Role == SystemRoles.Proxy ? CheckProxyNames(request.DnsNames) : [];
        var appNames = request.Role == SystemRoles.App ? token.Spec.AppNames : [];
        var (record, certificate) = await RegisterAsync(CertIssuer.ParsePublicKey(request.PublicKey), request.Role, request.NodeName, appNames, dnsNames, cancellationToken);
        using (certificate)
        {
            await _audit.EmitAsync(
                _audit.NewEvent(EventTypes.InstanceJoin, record.HostId).Set("role", request.Role).Set("node_name", request.NodeName)
                    .Set("app_names", appNames.Count == 0 ? null : appNames).Set("addr.remote", remoteAddr),
                cancellationToken);
            return new JoinResponse
            {
                CertPem = certificate.ExportCertificatePem(),
                HostCaPem = _issuer.Authorities.Host.CertificatePem,
                UserCaPem = _issuer.Authorities.User.CertificatePem,
                ClusterName = _issuer.ClusterName,
                HostId = record.HostId,
            };
        }
    }

    /// <summary>
    /// An identity for a service in auth's own process (its proxy, its app agent), registered like a joined host under
    /// the stable id &lt;process host id&gt;-&lt;role&gt;, so restarts replace the registration instead of adding one.
    /// </summary>
    public async ValueTask<X509Certificate2> IssueLocalAsync(
        ECDsa key, string processHostId, string systemRole, string? nodeName, IReadOnlyList<string> appNames, IReadOnlyList<string> dnsNames, CancellationToken cancellationToken)
    {
        var record = new HostRecord
        {
            HostId = $"{processHostId}-{systemRole.ToLowerInvariant()}",
            Role = systemRole,
            NodeName = nodeName,
            AppNames = appNames,
            DnsNames = dnsNames,
            JoinedAt = _time.GetUtcNow(),
        };
        await _backend.PutAsync(Item.Create(HostRecord.KeyOf(record.HostId), StoredJson.Serialize(record)), cancellationToken);
        using var certificate = _issuer.IssueHost(new PublicKey(key), record.HostId, nodeName, systemRole, dnsNames, _options.HostCertTtl);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>A fresh certificate for the calling host's new key, while its registration stands.</summary>
    public async ValueTask<RenewHostResponse> RenewAsync(FerryIdentity host, string publicKeyPem, CancellationToken cancellationToken)
    {
        var record = await RequireAsync(host.Username, host.Roles.FirstOrDefault() ?? "", cancellationToken);
        using var certificate = _issuer.IssueHost(publicKeyPem, record.HostId, record.NodeName, record.Role, record.DnsNames, _options.HostCertTtl);
        await _backend.PutAsync(Item.Create(HostRecord.KeyOf(record.HostId), StoredJson.Serialize(record with { RenewedAt = _time.GetUtcNow() })), cancellationToken);
        return new RenewHostResponse { CertPem = certificate.ExportCertificatePem() };
    }

    /// <summary>The registration of a host acting in <paramref name="role"/>; AccessDenied (with the way out) when it has none.</summary>
    public async ValueTask<HostRecord> RequireAsync(string hostId, string role, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(HostRecord.KeyOf(hostId), cancellationToken);
        var record = item is null ? null : StoredJson.Deserialize<HostRecord>(item.Value);
        if (record is null || record.Role != role)
        {
            throw FerryException.AccessDenied(
                $"host {hostId} is not registered as a {role} host; remove its identity from data_dir and join again with a new token (tctl tokens add --type={role.ToLowerInvariant()})");
        }

        return record;
    }

    /// <summary>
    /// The address users reach the cluster at, for links and instructions (signup links, tctl tokens add): the first
    /// public_addr of a proxy configured beside this auth server, else the first one a live proxy announces (auth runs
    /// apart from its proxies, docs/deploy-ha.md), else null.
    /// </summary>
    public async ValueTask<string?> ProxyPublicAddrAsync(CancellationToken cancellationToken)
    {
        if (_options.ProxyPublicAddrs.Count > 0)
        {
            return _options.ProxyPublicAddrs[0];
        }

        var (start, end) = KeyRange.Prefix(ProxyHeartbeat.Prefix);
        return (await _backend.GetRangeAsync(start, end, 0, cancellationToken))
            .Select(item => StoredJson.Deserialize<ProxyHeartbeat>(item.Value))
            .OrderBy(heartbeat => heartbeat.HostId, StringComparer.Ordinal)
            .SelectMany(heartbeat => heartbeat.PublicAddrs)
            .FirstOrDefault();
    }

    /// <summary>
    /// The public hosts of the cluster's proxies: those configured beside this auth server, those live proxies announce,
    /// and those of every registered proxy (the names auth put in their certificates). Apps live under them; none may
    /// take one of them.
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> ProxyHostsAsync(CancellationToken cancellationToken)
    {
        var hosts = _options.ProxyPublicAddrs.Select(AppNaming.HostOf).ToList();
        var (liveStart, liveEnd) = KeyRange.Prefix(ProxyHeartbeat.Prefix);
        foreach (var item in await _backend.GetRangeAsync(liveStart, liveEnd, 0, cancellationToken))
        {
            // What running proxies announce: their configured public addresses.
            hosts.AddRange(StoredJson.Deserialize<ProxyHeartbeat>(item.Value).PublicAddrs.Select(AppNaming.HostOf));
        }

        var (start, end) = KeyRange.Prefix(HostRecord.Prefix);
        foreach (var item in await _backend.GetRangeAsync(start, end, 0, cancellationToken))
        {
            var record = StoredJson.Deserialize<HostRecord>(item.Value);
            if (record.Role == SystemRoles.Proxy)
            {
                hosts.AddRange(record.DnsNames.Where(n => !n.StartsWith("*.", StringComparison.Ordinal) && n is not ("localhost" or "127.0.0.1" or "::1")));
            }
        }

        return hosts.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>Whether an app agent registered with these app_names may serve <paramref name="appName"/>.</summary>
    public static bool MayServe(HostRecord record, string appName) =>
        record.AppNames.Any(pattern => LabelMatcher.MatchesValue(pattern, appName));

    private async ValueTask<(HostRecord Record, X509Certificate2 Certificate)> RegisterAsync(
        PublicKey key, string role, string? nodeName, IReadOnlyList<string> appNames, IReadOnlyList<string> dnsNames, CancellationToken cancellationToken)
    {
        var record = new HostRecord
        {
            HostId = Guid.NewGuid().ToString(),
            Role = role,
            NodeName = nodeName,
            AppNames = appNames,
            DnsNames = dnsNames,
            JoinedAt = _time.GetUtcNow(),
        };
        // Create, never overwrite: even a guessed or colliding id cannot take over another host's registration.
        await _backend.CreateAsync(Item.Create(HostRecord.KeyOf(record.HostId), StoredJson.Serialize(record)), cancellationToken);
        var certificate = _issuer.IssueHost(key, record.HostId, nodeName, role, dnsNames, _options.HostCertTtl);
        return (record, certificate);
    }

    /// <summary>
    /// A joining proxy may name only its public hosts (and their app subdomains) and loopback addresses. When this auth
    /// server knows no proxy addresses of its own (auth runs alone, proxies elsewhere), the proxy token is the trust: a
    /// proxy may name its own hosts, as plain DNS names or IPs, each with at most one leading "*." for app subdomains.
    /// </summary>
    private IReadOnlyList<string> CheckProxyNames(IReadOnlyList<string> requested)
    {
        var allowed = _options.ProxyPublicAddrs.Select(a => AppNaming.HostOf(a)).ToList();
        if (allowed.Count == 0)
        {
            foreach (var name in requested)
            {
                var host = name.StartsWith("*.", StringComparison.Ordinal) ? name[2..] : name;
                if (host.Length == 0 || host.Length > 253 || host.Contains('*') || !host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or ':'))
                {
                    throw FerryException.BadParameter($"a proxy may not ask for a certificate naming \"{name}\": use DNS names or IP addresses (optionally *.NAME for app subdomains)");
                }
            }

            return requested;
        }

        foreach (var name in requested)
        {
            var ok = name is "localhost" or "127.0.0.1" or "::1"
                || allowed.Any(host => string.Equals(name, host, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(name, "*." + host, StringComparison.OrdinalIgnoreCase));
            if (!ok)
            {
                throw FerryException.BadParameter(
                    $"a proxy may not ask for a certificate naming \"{name}\": only the proxies' public hosts are allowed ({string.Join(", ", allowed)}); set proxy_service.public_addr");
            }
        }

        return requested;
    }
}

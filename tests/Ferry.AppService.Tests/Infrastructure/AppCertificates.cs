using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Identity;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>
/// Certificates a proxy may forward to the agent. Only the certificate travels (the proxy completed TLS with its key),
/// so none of these carry a private key.
/// </summary>
internal sealed class AppCertificates(InProcessAuth auth)
{
    /// <summary>An app certificate from the cluster's user CA, as tsh apps login gets one.</summary>
    public X509Certificate2 App(
        string user = "alice", string app = "dynamo", string? arn = TestApps.DynamoArn, TimeSpan? ttl = null, IReadOnlyList<string>? roles = null) =>
        auth.Server.Issuer.IssueUser(NewPublicKeyPem(), Identity(user, app, arn, ttl ?? TimeSpan.FromHours(1), roles));

    /// <summary>An app certificate whose validity ended 30 s ago (the CA backdates NotBefore by a minute, so it is well formed).</summary>
    public X509Certificate2 Expired(string user = "alice") =>
        auth.Server.Issuer.IssueUser(NewPublicKeyPem(), Identity(user, "dynamo", TestApps.DynamoArn, TimeSpan.FromSeconds(-30), null));

    /// <summary>A well-formed app certificate for this cluster's name from a CA that is not the cluster's.</summary>
    public X509Certificate2 Foreign(string user = "alice")
    {
        using var rogue = CertificateAuthority.Create(auth.Server.ClusterName, CaType.User, auth.Time);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return rogue.Issue(PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _), Identity(user, "dynamo", TestApps.DynamoArn, TimeSpan.FromHours(1), null), auth.Time);
    }

    /// <summary>A user certificate of tsh login: valid, but bound to no app session.</summary>
    public X509Certificate2 PlainUser(string user = "alice") =>
        auth.Server.Issuer.IssueUser(NewPublicKeyPem(), Identity(user, "dynamo", TestApps.DynamoArn, TimeSpan.FromHours(1), null) with { RouteToApp = null });

    private FerryIdentity Identity(string user, string app, string? arn, TimeSpan ttl, IReadOnlyList<string>? roles) => new()
    {
        Kind = IdentityKind.User,
        Username = user,
        Roles = roles ?? [TestApps.DynamoReaderRoleName],
        Expires = auth.Time.GetUtcNow() + ttl,
        ClusterName = auth.Server.ClusterName,
        RouteToApp = new RouteToApp
        {
            SessionId = Guid.NewGuid().ToString(),
            AppName = app,
            PublicAddr = app + ".proxy.test",
            ClusterName = auth.Server.ClusterName,
            AwsRoleArn = arn,
        },
    };

    private static string NewPublicKeyPem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfoPem();
    }
}

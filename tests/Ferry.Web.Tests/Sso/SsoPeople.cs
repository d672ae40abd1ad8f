using Ferry.Web.Tests.Infrastructure;
using Ferry.Web.Tests.Infrastructure.Idps;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// The people at the class's identity providers, one or two per test so no test finds another's user or session.
/// Groups are what the connectors map: cloud-admins and aws-users map to roles, interns to nothing.
/// </summary>
internal static class SsoPeople
{
    public const string ClientSecret = "sso-client-secret-5d1e";

    // OIDC (user name = email, idp subject = the login id).
    public static readonly IdpUser Olive = new("olive", "olive-idp-password", "olive@example.com", ["cloud-admins"], []);
    public static readonly IdpUser Alice = new("alice", "alice-idp-password", "alice@example.com", ["aws-users"], [ConsoleCluster.RoleArn]);
    public static readonly IdpUser Bea = new("bea", "bea-idp-password", "bea@example.com", ["cloud-admins"], []);
    public static readonly IdpUser Ivan = new("ivan", "ivan-idp-password", "ivan@example.com", ["interns"], []);
    public static readonly IdpUser Dora = new("dora", "dora-idp-password", "dora@example.com", ["cloud-admins"], []);
    public static readonly IdpUser Rita = new("rita", "rita-idp-password", "rita@example.com", ["cloud-admins"], []);

    // SAML (user name = NameID = email).
    public static readonly IdpUser Sam = new("sam", "sam-idp-password", "sam@example.com", ["cloud-admins"], []);
    public static readonly IdpUser Ray = new("ray", "ray-idp-password", "ray@example.com", ["cloud-admins"], []);
    public static readonly IdpUser Sue = new("sue", "sue-idp-password", "sue@example.com", ["cloud-admins"], []);
    public static readonly IdpUser Sid = new("sid", "sid-idp-password", "sid@example.com", ["cloud-admins"], []);

    // GitHub (user name = idp subject = the login): whoever is signed in at the stand-in when a test runs.
    public static readonly GithubUser Octo = new("octo", 42, [("octo-org", "cloud-admins")]);
    public static readonly GithubUser Gwen = new("gwen", 43, [("octo-org", "cloud-admins")]);
    public static readonly GithubUser Hal = new("hal", 44, [("octo-org", "cloud-admins")]);

    public static IReadOnlyList<IdpUser> Oidc => [Olive, Alice, Bea, Ivan, Dora, Rita];

    public static IReadOnlyList<IdpUser> Saml => [Sam, Ray, Sue, Sid];
}

namespace Ferry.Core.Resources;

/// <summary>Resource kind names as they appear in YAML (<c>kind:</c>) and in RBAC rules (<c>resources:</c>).</summary>
public static class ResourceKinds
{
    public const string Role = "role";
    public const string User = "user";
    public const string Token = "token";
    public const string Lock = "lock";
    public const string App = "app";
    public const string AppServer = "app_server";
    public const string Event = "event";
    public const string Session = "session";
    public const string ClusterAuthPreference = "cluster_auth_preference";

    /// <summary>Single sign-on connectors, named as Teleport names them in <c>kind:</c>, tctl and role rules (docs/resources.md).</summary>
    public const string Github = "github";
    public const string Oidc = "oidc";
    public const string Saml = "saml";

    public static readonly IReadOnlyList<string> Connectors = [Github, Oidc, Saml];
}

/// <summary>Verbs used in role rules.</summary>
public static class Verbs
{
    public const string List = "list";
    public const string Read = "read";
    public const string Create = "create";
    public const string Update = "update";
    public const string Delete = "delete";
    public const string Wildcard = "*";
}

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Role keys Ferry understands, and the Teleport keys it accepts and keeps verbatim without enforcing them
/// (so role files written for Teleport load unchanged). Anything else is rejected as unknown. Listed in docs/resources.md.
/// </summary>
public static class RoleKeys
{
    public const string AppLabels = "app_labels";
    public const string AwsRoleArns = "aws_role_arns";
    public const string Rules = "rules";
    public const string MaxSessionTtl = "max_session_ttl";

    /// <summary>Kept and evaluated fail-closed (see <see cref="Rbac.RoleSet"/>), because ignoring it could widen access.</summary>
    public const string AppLabelsExpression = "app_labels_expression";

    /// <summary>Condition keys (under allow/deny) for Teleport features Ferry does not provide.</summary>
    public static readonly IReadOnlyList<string> AcceptedConditionKeys =
    [
        AppLabelsExpression,
        "logins", "node_labels", "node_labels_expression",
        "kubernetes_groups", "kubernetes_users", "kubernetes_labels", "kubernetes_labels_expression", "kubernetes_resources",
        "db_labels", "db_labels_expression", "db_names", "db_users", "db_roles", "db_permissions",
        "db_service_labels", "db_service_labels_expression",
        "windows_desktop_labels", "windows_desktop_labels_expression", "windows_desktop_logins", "desktop_groups",
        "cluster_labels", "cluster_labels_expression",
        "host_groups", "host_sudoers",
        "join_sessions", "require_session_join", "request", "review_requests", "impersonate",
        "azure_identities", "gcp_service_accounts",
        "group_labels", "group_labels_expression",
        "account_assignments", "github_permissions", "spiffe",
        "workload_identity_labels", "workload_identity_labels_expression",
    ];

    /// <summary>Option keys for Teleport features Ferry does not provide (only max_session_ttl is enforced).</summary>
    public static readonly IReadOnlyList<string> AcceptedOptionKeys =
    [
        "forward_agent", "port_forwarding", "ssh_port_forwarding", "ssh_file_copy", "permit_x11_forwarding",
        "cert_format", "cert_extensions", "client_idle_timeout", "disconnect_expired_cert",
        "enhanced_recording", "record_session", "max_connections", "max_sessions", "max_kubernetes_connections",
        "request_access", "request_prompt", "require_session_mfa", "mfa_verification_interval", "device_trust_mode",
        "lock", "pin_source_ip", "idp",
        "desktop_clipboard", "desktop_directory_sharing", "create_desktop_user",
        "create_host_user", "create_host_user_mode", "create_host_user_default_shell",
        "create_db_user", "create_db_user_mode",
    ];
}

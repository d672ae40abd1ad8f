namespace Ferry.Core.Audit;

/// <summary>
/// Event types and their stable codes. Codes follow Teleport's where Ferry has the same event
/// (T1000I user.login, T2007I app.session.start, ...), so existing audit tooling reads them; the suffix is
/// I for information and W for a failure or warning.
/// </summary>
public static class EventTypes
{
    public const string UserLogin = "user.login";
    public const string UserLogout = "user.logout";
    public const string UserCreate = "user.create";
    public const string UserUpdate = "user.update";
    public const string UserDelete = "user.delete";
    public const string UserPasswordChange = "user.password_change";
    /// <summary>A user locked out by failed logins, and an administrator's lock (tctl lock): Teleport's one type for both.</summary>
    public const string UserLocked = "lock.created";
    public const string LockCreate = "lock.created";
    public const string LockDelete = "lock.deleted";
    public const string ResetPasswordTokenCreate = "reset_password_token.create";
    public const string RoleCreate = "role.created";
    public const string RoleUpdate = "role.updated";
    public const string RoleDelete = "role.deleted";
    public const string GithubConnectorCreate = "github.created";
    public const string GithubConnectorUpdate = "github.updated";
    public const string GithubConnectorDelete = "github.deleted";
    public const string OidcConnectorCreate = "oidc.created";
    public const string OidcConnectorUpdate = "oidc.updated";
    public const string OidcConnectorDelete = "oidc.deleted";
    public const string SamlConnectorCreate = "saml.created";
    public const string SamlConnectorUpdate = "saml.updated";
    public const string SamlConnectorDelete = "saml.deleted";
    public const string TokenCreate = "join_token.create";
    public const string TokenDelete = "join_token.delete";
    public const string InstanceJoin = "instance.join";
    public const string AppSessionStart = "app.session.start";
    public const string AppSessionEnd = "app.session.end";
    public const string AppSessionChunk = "app.session.chunk";
    public const string AppSessionRequest = "app.session.request";
    public const string AppSessionDynamoDbRequest = "app.session.dynamodb.request";
    public const string AuthAttemptFailure = "auth";

    public static string Code(string type, bool success) => (type, success) switch
    {
        (UserLogin, true) => "T1000I",
        (UserLogin, false) => "T1000W",
        (UserCreate, _) => "T1002I",
        (UserLogout, _) => "T1001I",
        (UserUpdate, _) => "T1003I",
        (UserDelete, _) => "T1004I",
        (UserPasswordChange, true) => "T1005I",
        (UserPasswordChange, false) => "T1005W",
        (ResetPasswordTokenCreate, _) => "T6000I",
        (AppSessionStart, true) => "T2007I",
        (AppSessionStart, false) => "T2007W",
        (AppSessionChunk, _) => "T2008I",
        (AppSessionRequest, true) => "T2009I",
        (AppSessionRequest, false) => "T2009W",
        (AppSessionEnd, _) => "T2011I",
        (AppSessionDynamoDbRequest, true) => "T2013I",
        (AppSessionDynamoDbRequest, false) => "T2013W",
        (AuthAttemptFailure, _) => "T3007W",
        (InstanceJoin, true) => "TJ001I",
        (InstanceJoin, false) => "TJ001E",
        (TokenCreate, _) => "TJT00I",
        (TokenDelete, _) => "TJT01I",
        (GithubConnectorCreate, _) => "T8000I",
        (GithubConnectorDelete, _) => "T8001I",
        (GithubConnectorUpdate, _) => "T80002I", // sic: Teleport's code has the extra digit
        (OidcConnectorCreate, _) => "T8100I",
        (OidcConnectorDelete, _) => "T8101I",
        (OidcConnectorUpdate, _) => "T8102I",
        (SamlConnectorCreate, _) => "T8200I",
        (SamlConnectorDelete, _) => "T8201I",
        (SamlConnectorUpdate, _) => "T8202I",
        (RoleCreate, _) => "T9000I",
        (RoleDelete, _) => "T9001I",
        (RoleUpdate, _) => "T9003I",
        (LockCreate, _) => "T9006I",
        (LockDelete, _) => "T9007I",
        _ => success ? "T0000I" : "T0000W",
    };
}

using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.WebSessions;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// The IAM role picker of an AWS console app (the guide's Step 5 "IAM role selector"): one button per role the user
/// may assume there, in the order auth gives them (by role name). Each is its own POST form with the ARN and the CSRF token.
/// </summary>
internal static class RolePickerPage
{
    public static Markup Render(Layout layout, WebSession session, AppView app)
    {
        var action = $"/web/apps/{Uri.EscapeDataString(app.Name)}/launch";
        var body = Markup.Of($"""
            <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/web/apps">Applications</a><span aria-hidden="true">/</span><span>{app.Name}</span></nav>
            <div class="page-head">
              <div>
                <h1>Launch {app.Name}</h1>
                {Markup.When(app.AwsConsole && app.AwsRoles.Count > 0, Markup.Of($"""
                <p class="muted">Choose the IAM role to sign in to the AWS Management Console with.
                  The console session is marked with your Ferry user name, <strong>{session.User}</strong>.</p>
                """))}
              </div>
            </div>
            {(!app.AwsConsole ? Plain(session, action) : app.AwsRoles.Count == 0 ? NoRoles(session, app) : Roles(session, app, action))}
            """);
        return layout.Page("Launch " + app.Name, session, "apps", body);
    }

    private static Markup Roles(WebSession session, AppView app, string action) => Markup.Of($"""
        <ul class="role-list" data-testid="role-list">
        {app.AwsRoles.Select(role => Markup.Of($"""
          <li>
            <form method="post" action="{action}">
              {FormParts.CsrfField(session.CsrfToken)}
              <input type="hidden" name="arn" value="{role.Arn}">
              <button type="submit" class="role-option" data-testid="role-option" data-arn="{role.Arn}">
                <span class="role-icon" aria-hidden="true">IAM</span>
                <span class="role-text">
                  <span class="role-name">{role.Display}</span>
                  <span class="role-arn">{role.Arn}</span>
                </span>
                <span class="role-account">Account <strong>{role.AccountId}</strong></span>
                <span class="role-go" aria-hidden="true">Sign in →</span>
              </button>
            </form>
          </li>
        """))}
        </ul>
        """);

    /// <summary>An app that is not an AWS console has no role to pick: one button.</summary>
    private static Markup Plain(WebSession session, string action) => Markup.Of($"""
        <form method="post" action="{action}" class="panel empty-state">
          {FormParts.CsrfField(session.CsrfToken)}
          <button type="submit" class="btn btn-primary" data-testid="launch">Launch</button>
        </form>
        """);

    private static Markup NoRoles(WebSession session, AppView app) => Markup.Of($"""
        <div class="panel empty-state" data-testid="no-roles">
          <h2>You have no IAM roles for {app.Name}</h2>
          <p class="muted">To sign in to the AWS console, one of your Ferry roles must allow an IAM role for this app: an administrator adds its ARN
            to <code>aws_role_arns</code> in a role whose <code>app_labels</code> match {app.Name}, or to your user's
            <code>aws_role_arns</code> trait (<code>tctl users update {session.User} --set-aws-role-arns=ARN</code>).</p>
          <p class="muted">Then sign out and sign in again to pick it up.</p>
          <p><a class="btn" href="/web/apps">Back to Applications</a></p>
        </div>
        """);
}

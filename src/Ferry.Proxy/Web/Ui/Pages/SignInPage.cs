using Ferry.Proxy.Web.Ui.Html;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>Sign in: user name and password, plus the authenticator code when the cluster requires a second factor.</summary>
internal static class SignInPage
{
    public sealed record Model(
        string Csrf, string ReturnTo, bool OtpRequired, string? User = null, string? Error = null, string? Notice = null,
        IReadOnlyList<Core.Api.SsoConnectorInfo>? Connectors = null);

    /// <summary>One button per connector; each starts its login with a plain link (the login itself is bound to this browser by a cookie).</summary>
    private static Markup SsoButtons(Model model)
    {
        if (model.Connectors is not { Count: > 0 } connectors)
        {
            return Markup.Empty;
        }

        var returnTo = Uri.EscapeDataString(model.ReturnTo);
        var buttons = connectors.Select(c => Markup.Of($"""
            <a class="btn btn-block" data-testid="sso-{c.Kind}-{c.Name}" href="/web/sso/{c.Kind}/{c.Name}?return_to={returnTo}">Sign in with {c.Display}</a>
            """));
        return Markup.Of($"""
            <div class="sso-list" data-testid="sso-list">{Markup.Join(buttons)}</div>
            <p class="divider">or with a Ferry password</p>
            """);
    }

    public static Markup Render(Layout layout, Model model) => layout.Card("Sign in", Markup.Of($"""
        <h1>Sign in</h1>
        <p class="muted">to the <strong>{layout.ClusterName}</strong> cluster</p>
        {FormParts.Notice(model.Notice)}
        {FormParts.Alert(model.Error)}
        {SsoButtons(model)}
        <form method="post" action="/web/login" class="form" data-testid="login-form">
          {FormParts.CsrfField(model.Csrf)}
          <input type="hidden" name="return_to" value="{model.ReturnTo}">
          <div class="field">
            <label for="user">User name</label>
            <input id="user" name="user" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required
                   value="{model.User}"{Markup.When(model.User is null, Markup.Trusted(" autofocus"))}>
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required{Markup.When(model.User is not null, Markup.Trusted(" autofocus"))}>
          </div>
          {Markup.When(model.OtpRequired, FormParts.OtpField("Authenticator code", "The 6-digit code your authenticator app shows for Ferry."))}
          <button type="submit" class="btn btn-primary btn-block">Sign in</button>
        </form>
        <p class="card-foot muted small">New here? An administrator creates your account with <code>tctl users add</code> and sends you a signup link.</p>
        """));
}

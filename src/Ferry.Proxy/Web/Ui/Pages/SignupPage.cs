using Ferry.Core.Api;
using Ferry.Proxy.Web.Ui.Html;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>
/// The page behind a signup (invite) or reset link: choose a password and, when the cluster requires a second factor,
/// enrol an authenticator app from the QR code (or the secret typed by hand) and prove it with its current code.
/// </summary>
internal static class SignupPage
{
    public sealed record Model(string FormAction, SignupInfoResponse Info, string Csrf, string? Error = null);

    public static Markup Render(Layout layout, Model model)
    {
        var invite = string.Equals(model.Info.Kind, "invite", StringComparison.OrdinalIgnoreCase);
        var title = invite ? "Create your account" : "Reset your password";
        var otp = model.Info.OtpRequired && model.Info.OtpUri is not null;
        return layout.Card(title, Markup.Of($"""
            <h1>{title}</h1>
            <p class="muted">{(invite ? "Welcome to Ferry" : "Choose a new password for")} <strong data-testid="signup-user">{model.Info.User}</strong>{(invite ? ": choose a password to finish setting up your account." : ".")}
              This link is valid until <span class="nowrap">{model.Info.Expires.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture)}</span>.</p>
            {FormParts.Alert(model.Error)}
            <form method="post" action="{model.FormAction}" class="form" data-testid="signup-form">
              {FormParts.CsrfField(model.Csrf)}
              <input type="text" name="user" value="{model.Info.User}" autocomplete="username" class="visually-hidden" tabindex="-1" aria-hidden="true" readonly>
              <div class="{(otp ? "steps" : "")}">
                <fieldset class="step">
                  {Markup.When(otp, Markup.Trusted("""<legend><span class="step-number">1</span>Choose a password</legend>"""))}
                  <div class="field">
                    <label for="password">New password</label>
                    <input id="password" name="password" type="password" autocomplete="new-password" required autofocus>
                    <p class="help">Use a long passphrase you use nowhere else.</p>
                  </div>
                  <div class="field">
                    <label for="password_confirm">Confirm password</label>
                    <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" required>
                  </div>
                </fieldset>
                {(otp ? OtpStep(model.Info) : Markup.Empty)}
              </div>
              <button type="submit" class="btn btn-primary btn-block">{(invite ? "Create account" : "Set new password")}</button>
            </form>
            """), wide: otp);
    }

    private static Markup OtpStep(SignupInfoResponse info) => Markup.Of($"""
        <fieldset class="step">
          <legend><span class="step-number">2</span>Set up your authenticator</legend>
          <div class="qr-row">
            <figure class="qr-box" data-testid="otp-qr">{QrCodeSvg.Render(info.OtpUri!, "QR code to add Ferry to an authenticator app")}</figure>
            <div>
              <p class="small">Scan the code with an authenticator app (Google Authenticator, 1Password, Authy, ...).</p>
              <p class="small">Can't scan it? Enter this key:</p>
              <code class="secret" id="otp-secret" data-testid="otp-secret">{Group(info.OtpSecret)}</code>
            </div>
          </div>
          {FormParts.OtpField("Code from the app", "The 6-digit code the app now shows for Ferry.")}
        </fieldset>
        """);

    /// <summary>Base32 in groups of four, the way authenticator apps show keys; they ignore the spaces.</summary>
    private static string Group(string? secret) =>
        secret is null ? "(see the QR code)" : string.Join(' ', secret.Chunk(4).Select(c => new string(c)));
}

using Ferry.Proxy.Web.Ui.Html;
using Ferry.Proxy.Web.Ui.Security;

namespace Ferry.Proxy.Web.Ui.Pages;

/// <summary>Pieces the forms share.</summary>
internal static class FormParts
{
    /// <summary>Six digits; given as a hole so the braces are not read as interpolation.</summary>
    private const string OtpPattern = "[0-9]{6}";

    public static Markup CsrfField(string token) => Markup.Of($"""<input type="hidden" name="{Csrf.FieldName}" value="{token}">""");

    public static Markup Alert(string? message) => message is null
        ? Markup.Empty
        : Markup.Of($"""<div class="alert alert-error" role="alert" data-testid="form-error">{Sentence.Of(message)}</div>""");

    public static Markup Notice(string? message) => message is null
        ? Markup.Empty
        : Markup.Of($"""<div class="alert alert-info" role="status" data-testid="notice">{message}</div>""");

    public static Markup OtpField(string label, string help) => Markup.Of($"""
        <div class="field">
          <label for="otp">{label}</label>
          <input id="otp" name="otp" class="otp-input" type="text" inputmode="numeric" pattern="{OtpPattern}" maxlength="6" minlength="6"
                 autocomplete="one-time-code" placeholder="123456" required>
          <p class="help">{help}</p>
        </div>
        """);
}

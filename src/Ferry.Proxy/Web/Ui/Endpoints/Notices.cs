namespace Ferry.Proxy.Web.Ui.Endpoints;

/// <summary>
/// The sign-in page's one-line notices, chosen by a code in the query (<c>?notice=</c>) so that no text from a URL
/// is ever shown on the page.
/// </summary>
internal static class Notices
{
    public const string SignedOut = "signed_out";
    public const string PasswordSet = "password_set";
    public const string Expired = "expired";

    public static string? Text(string? code) => code switch
    {
        SignedOut => "You have signed out.",
        PasswordSet => "Your password is set. Sign in with it now.",
        Expired => "Your session has ended. Sign in again to continue.",
        _ => null,
    };
}

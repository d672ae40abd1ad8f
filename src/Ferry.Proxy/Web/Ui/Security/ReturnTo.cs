namespace Ferry.Proxy.Web.Ui.Security;

/// <summary>
/// Where to go after signing in. Only a path on this host under /web/ is accepted: never an absolute URL, a
/// scheme-relative <c>//host</c>, a backslash (browsers read <c>/\host</c> as <c>//host</c>) or a control character,
/// so the sign-in page cannot be used as an open redirect.
/// </summary>
internal static class ReturnTo
{
    public const string Default = "/web/apps";
    private const int MaxLength = 2048;

    public static bool IsSafe(string? path) =>
        path is { Length: > 5 and <= MaxLength }
        && path.StartsWith("/web/", StringComparison.Ordinal)
        && !path.Contains("//", StringComparison.Ordinal)
        && !path.Contains('\\', StringComparison.Ordinal)
        && !path.Any(char.IsControl)
        && !path.StartsWith("/web/login", StringComparison.Ordinal)
        && !path.StartsWith("/web/logout", StringComparison.Ordinal);

    public static string OrDefault(string? path) => IsSafe(path) ? path! : Default;

    /// <summary>The sign-in URL that comes back to <paramref name="path"/> (or plain sign-in when the path is not a safe target).</summary>
    public static string SignInUrl(string? path, string? notice = null)
    {
        var query = new List<string>(2);
        if (IsSafe(path) && path != Default)
        {
            query.Add("return_to=" + Uri.EscapeDataString(path!));
        }

        if (notice is not null)
        {
            query.Add("notice=" + Uri.EscapeDataString(notice));
        }

        return query.Count == 0 ? "/web/login" : "/web/login?" + string.Join('&', query);
    }
}

using System.Text.RegularExpressions;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Name rules per resource kind. The public checks return null or one message with the fix; the codec uses the
/// split form so that file positions print between the problem and the fix.
/// </summary>
public static partial class ResourceNames
{
    /// <summary>Role names: letters, digits, '.', '_', '-', starting and ending with a letter or digit (DNS-like, ≤ 253).</summary>
    public static string? ValidateRoleName(string name) => Join(CheckRoleName(name));

    /// <summary>User names: anything printable without whitespace or '/', up to 255 characters (emails are common).</summary>
    public static string? ValidateUserName(string name) => Join(CheckUserName(name));

    /// <summary>App names are DNS-1035 labels because they become the first label of the app's public address.</summary>
    public static string? ValidateAppName(string name) => Join(CheckAppName(name));

    internal static (string Message, string Hint)? CheckRoleName(string name) =>
        RoleName().IsMatch(name) && name.Length <= 253
            ? null
            : ($"invalid role name \"{name}\"", "use letters, digits, '.', '_' and '-', starting and ending with a letter or digit");

    internal static (string Message, string Hint)? CheckUserName(string name) =>
        name.Length is > 0 and <= 255 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/')
            ? null
            : ($"invalid user name \"{name}\"", "use up to 255 characters without spaces or '/'");

    internal static (string Message, string Hint)? CheckAppName(string name) =>
        AppName().IsMatch(name) && name.Length <= 63
            ? null
            : ($"invalid app name \"{name}\"", "use a DNS label of lowercase letters, digits and '-', starting with a letter, at most 63 characters (e.g. \"aws-dynamodb\")");

    /// <summary>An app name, or a glob of app names (<c>*</c>, <c>?</c>) as join tokens bind them.</summary>
    public static string? ValidateAppNamePattern(string pattern) => Join(CheckAppNamePattern(pattern));

    internal static (string Message, string Hint)? CheckAppNamePattern(string pattern) =>
        AppNamePattern().IsMatch(pattern) && pattern.Length <= 63
            ? null
            : ($"invalid app name or pattern \"{pattern}\"", "use an app name such as \"aws-dynamodb\", or a glob of lowercase letters, digits, '-', '*' and '?' such as \"aws-*\"");

    /// <summary>Lock names: what tctl lock generates (a UUID) or any DNS-like name an administrator picks.</summary>
    internal static (string Message, string Hint)? CheckLockName(string name) =>
        RoleName().IsMatch(name) && name.Length <= 253
            ? null
            : ($"invalid lock name \"{name}\"", "use letters, digits, '.', '_' and '-' (tctl lock picks a UUID for you)");

    /// <summary>
    /// Connector names appear in URLs (the SAML ACS path) and in tsh login --auth=NAME, so they are DNS-like. Public in
    /// the split form for the config reader, which prints file positions between the problem and the fix too.
    /// </summary>
    public static (string Message, string Hint)? CheckConnectorName(string name) =>
        RoleName().IsMatch(name) && name.Length <= 253
            ? null
            : ($"invalid connector name \"{name}\"", "use letters, digits, '.', '_' and '-', starting and ending with a letter or digit (e.g. \"github\" or \"okta\")");

    internal static (string Message, string Hint)? CheckTokenName(string name) =>
        name.Length is > 0 and <= 256 && !name.Any(char.IsWhiteSpace) && !name.Contains('/')
            ? null
            : ("invalid token name", "use up to 256 characters without spaces or '/'");

    private static string? Join((string Message, string Hint)? problem) => problem is { } p ? $"{p.Message}: {p.Hint}" : null;

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")]
    private static partial Regex RoleName();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex AppName();

    [GeneratedRegex("^[-a-z0-9*?]+$")]
    private static partial Regex AppNamePattern();
}

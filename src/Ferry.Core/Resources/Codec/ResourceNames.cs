using System.Text.RegularExpressions;

namespace Ferry.Core.Resources.Codec;

/// <summary>Name rules per resource kind; each check returns null or a message with the fix.</summary>
public static partial class ResourceNames
{
    /// <summary>Role names: letters, digits, '.', '_', '-', starting and ending with a letter or digit (DNS-like, ≤ 253).</summary>
    public static string? ValidateRoleName(string name) =>
        RoleName().IsMatch(name) && name.Length <= 253
            ? null
            : $"invalid role name \"{name}\": use letters, digits, '.', '_' and '-', starting and ending with a letter or digit";

    /// <summary>User names: anything printable without whitespace or '/', up to 255 characters (emails are common).</summary>
    public static string? ValidateUserName(string name) =>
        name.Length is > 0 and <= 255 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/')
            ? null
            : $"invalid user name \"{name}\": use up to 255 characters without spaces or '/'";

    /// <summary>App names are DNS-1035 labels because they become the first label of the app's public address.</summary>
    public static string? ValidateAppName(string name) =>
        AppName().IsMatch(name) && name.Length <= 63
            ? null
            : $"invalid app name \"{name}\": use a DNS label of lowercase letters, digits and '-', starting with a letter, at most 63 characters (e.g. \"aws-dynamodb\")";

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$")]
    private static partial Regex RoleName();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex AppName();
}

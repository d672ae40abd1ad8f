using System.Diagnostics.CodeAnalysis;

namespace Ferry.Core.Rbac;

/// <summary>
/// IAM role ARN parsing and validation, the check Teleport applies before any ARN reaches a certificate or STS
/// (docs/aws-access.md §4 "ARN validation").
/// </summary>
public static class AwsArn
{
    public static readonly IReadOnlyList<string> Partitions = ["aws", "aws-us-gov", "aws-cn"];

    public static bool TryParseRole(string? arn, [NotNullWhen(true)] out AwsRoleArn? role) => TryParseRole(arn, out role, out _);

    /// <summary>Parses a role ARN; on failure <paramref name="error"/> says what is wrong and shows the expected shape.</summary>
    public static bool TryParseRole(string? arn, [NotNullWhen(true)] out AwsRoleArn? role, out string error)
    {
        role = null;
        error = Check(arn ?? "") ?? "";
        if (error.Length > 0)
        {
            return false;
        }
        var parts = arn!.Split(':', 6);
        role = new AwsRoleArn(arn, parts[1], parts[4], parts[5]["role/".Length..]);
        return true;
    }

    /// <summary>Null when <paramref name="arn"/> is a valid role ARN, else a message naming the problem and the fix.</summary>
    public static string? Validate(string arn) => Check(arn);

    private static string? Check(string arn)
    {
        const string shape = "expected arn:aws:iam::<12-digit account id>:role/<name> (partition aws, aws-us-gov or aws-cn)";
        var parts = arn.Split(':', 6);
        if (parts.Length != 6 || parts[0] != "arn")
        {
            return $"\"{arn}\" is not an IAM role ARN; {shape}";
        }
        if (!Partitions.Contains(parts[1]))
        {
            return $"\"{arn}\" has unknown partition \"{parts[1]}\"; {shape}";
        }
        if (parts[2] != "iam")
        {
            return $"\"{arn}\" is not an IAM ARN (service \"{parts[2]}\"); {shape}";
        }
        if (parts[3].Length != 0)
        {
            return $"\"{arn}\" has a region, but IAM ARNs have none; {shape}";
        }
        if (parts[4].Length != 12 || !parts[4].All(char.IsAsciiDigit))
        {
            return $"\"{arn}\" has account id \"{parts[4]}\", which is not 12 digits; {shape}";
        }
        if (!parts[5].StartsWith("role/", StringComparison.Ordinal))
        {
            return $"\"{arn}\" names an IAM {parts[5].Split('/')[0]}, not a role; {shape}";
        }
        var elements = parts[5]["role/".Length..].Split('/');
        if (elements.Any(e => e.Length == 0 || !e.All(IsNameChar)))
        {
            return $"\"{arn}\" has an invalid role path or name (allowed: letters, digits and +=,.@_-); {shape}";
        }
        if (elements[^1].Length > 64)
        {
            return $"\"{arn}\" has a role name longer than 64 characters; {shape}";
        }
        return null;
    }

    // IAM role names and path elements: alphanumerics and +=,.@_- (IAM API reference, CreateRole).
    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '=' or ',' or '.' or '@' or '_' or '-';
}

using Ferry.Client.Cli;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Rbac;

namespace Ferry.Tsh.Commands;

/// <summary>
/// Picks the IAM role for tsh apps login --aws-role (docs/aws-access.md §2.1): auto-pick when the user may
/// use exactly one; otherwise the flag is required, as a role name (the part after role/, or its full path)
/// or a full ARN, and must be one of the user's allowed roles for that app.
/// </summary>
internal static class AwsRoleSelector
{
    public static string Select(string appName, IReadOnlyList<AwsRoleInfo> allowed, string? flag, TextWriter output)
    {
        if (string.IsNullOrWhiteSpace(flag))
        {
            if (allowed.Count == 1)
            {
                return allowed[0].Arn;
            }

            if (allowed.Count == 0)
            {
                throw FerryException.AccessDenied(
                    $"you have no IAM roles for app \"{appName}\": ask an administrator to add an aws_role_arns entry to one of your roles, then log in again");
            }

            PrintRoles(allowed, output);
            throw FerryException.BadParameter("--aws-role flag is required");
        }

        if (flag.StartsWith("arn:", StringComparison.Ordinal))
        {
            if (!AwsArn.TryParseRole(flag, out _))
            {
                throw FerryException.BadParameter($"\"{flag}\" is not an IAM role ARN; expected arn:aws:iam::<12-digit account>:role/<name>");
            }

            return allowed.FirstOrDefault(r => r.Arn == flag)?.Arn ?? Fail($"failed to find the \"{flag}\" role ARN", allowed, output);
        }

        var matches = allowed.Where(r => r.Display == flag || r.Name == flag).ToList();
        return matches.Count switch
        {
            1 => matches[0].Arn,
            0 => Fail($"failed to find the \"{flag}\" role name", allowed, output),
            _ => Fail($"provided role name \"{flag}\" is ambiguous, please specify full role ARN", matches, output),
        };
    }

    private static string Fail(string message, IReadOnlyList<AwsRoleInfo> roles, TextWriter output)
    {
        if (roles.Count > 0)
        {
            PrintRoles(roles, output);
        }

        throw FerryException.BadParameter(message);
    }

    private static void PrintRoles(IReadOnlyList<AwsRoleInfo> roles, TextWriter output)
    {
        output.WriteLine("Available AWS roles:");
        TableWriter.Write(output, ["Role Name", "Role ARN"], roles.Select(r => (IReadOnlyList<string>)[r.Display, r.Arn]));
        output.WriteLine();
    }
}

using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Tctl.Commands;

/// <summary>tctl users add|ls|rm|update|reset.</summary>
internal static class UsersCommand
{
    public static Command Build(TctlContext context)
    {
        var command = new Command("users", "Manage users");
        command.Subcommands.Add(Add(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Remove(context));
        command.Subcommands.Add(Update(context));
        command.Subcommands.Add(Reset(context));
        return command;
    }

    private static Command Add(TctlContext context)
    {
        var name = new Argument<string>("account") { Description = "User name" };
        var roles = new Option<string>("--roles") { Description = "Comma-separated roles, e.g. access,editor", Required = true };
        var awsRoleArns = new Option<string?>("--aws-role-arns") { Description = "Comma-separated IAM role ARNs for the aws_role_arns trait" };
        var passwordStdin = new Option<bool>("--password-stdin") { Description = "Read the password from the first line of stdin instead of printing a signup link" };
        var command = new Command("add", "Create a user; prints a signup link valid for 1h") { name, roles, awsRoleArns, passwordStdin };
        command.SetAction(async (parse, ct) =>
        {
            var userName = parse.GetValue(name)!;
            var traits = new Dictionary<string, IReadOnlyList<string>>();
            if (SplitList(parse.GetValue(awsRoleArns)) is { Count: > 0 } arns)
            {
                traits["aws_role_arns"] = arns;
            }

            var user = new User
            {
                Metadata = new ResourceMetadata { Name = userName },
                Spec = new UserSpec { Roles = SplitList(parse.GetValue(roles)), Traits = traits },
            };
            string? password = null;
            if (parse.GetValue(passwordStdin))
            {
                password = context.Console.ReadSecret("Password: ");
            }

            using var client = context.Connect(parse);
            var result = await client.CreateUserAsync(user, password, ct);
            var output = context.Console.Out;
            if (result.SignupUrl is not null)
            {
                await output.WriteLineAsync($"User \"{userName}\" has been created but requires a password. Share this URL with the user to complete user setup, link is valid for 1h:");
                await output.WriteLineAsync(result.SignupUrl);
                await output.WriteLineAsync();
                await output.WriteLineAsync($"NOTE: Make sure {new Uri(result.SignupUrl).Authority} points at a Ferry proxy which users can access.");
            }
            else
            {
                await output.WriteLineAsync($"User \"{userName}\" has been created.");
                if (result.OtpUri is not null)
                {
                    await output.WriteLineAsync("Add this second factor to an authenticator app (it is shown only once):");
                    await output.WriteLineAsync(result.OtpUri);
                }
            }

            return 0;
        });
        return command;
    }

    private static Command List(TctlContext context)
    {
        var format = OutputFormats.Option();
        var command = new Command("ls", "List users") { format };
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var users = await client.ListUsersAsync(ct);
            switch (OutputFormats.Parse(parse.GetValue(format)))
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(ResourceCodec.ToJson(users.Cast<IResource>().ToList()));
                    break;
                case OutputFormat.Yaml:
                    await context.Console.Out.WriteAsync(ResourceCodec.ToYaml(users.Cast<IResource>().ToList()));
                    break;
                default:
                    TableWriter.Write(context.Console.Out, ["User", "Roles"], users.Select(u => (IReadOnlyList<string>)[u.Name, string.Join(",", u.Spec.Roles)]));
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Remove(TctlContext context)
    {
        var name = new Argument<string>("account") { Description = "User name" };
        var command = new Command("rm", "Delete a user") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            await client.DeleteUserAsync(parse.GetValue(name)!, ct);
            await context.Console.Out.WriteLineAsync($"User \"{parse.GetValue(name)}\" has been deleted");
            return 0;
        });
        return command;
    }

    private static Command Update(TctlContext context)
    {
        var name = new Argument<string>("account") { Description = "User name" };
        var setRoles = new Option<string?>("--set-roles") { Description = "Replace the user's roles (comma-separated)" };
        var setArns = new Option<string?>("--set-aws-role-arns") { Description = "Replace the aws_role_arns trait (comma-separated)" };
        var command = new Command("update", "Change a user's roles or traits") { name, setRoles, setArns };
        command.SetAction(async (parse, ct) =>
        {
            var roles = parse.GetValue(setRoles);
            var arns = parse.GetValue(setArns);
            if (roles is null && arns is null)
            {
                throw FerryException.BadParameter("nothing to update: pass --set-roles and/or --set-aws-role-arns");
            }

            using var client = context.Connect(parse);
            IReadOnlyDictionary<string, IReadOnlyList<string>>? traits = null;
            if (arns is not null)
            {
                var current = await client.GetUserAsync(parse.GetValue(name)!, ct);
                var updated = current.Spec.Traits.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
                updated["aws_role_arns"] = SplitList(arns);
                traits = updated;
            }

            await client.UpdateUserAsync(parse.GetValue(name)!, new UpdateUserRequest { Roles = roles is null ? null : SplitList(roles), Traits = traits }, ct);
            await context.Console.Out.WriteLineAsync($"User \"{parse.GetValue(name)}\" has been updated");
            return 0;
        });
        return command;
    }

    private static Command Reset(TctlContext context)
    {
        var name = new Argument<string>("account") { Description = "User name" };
        var command = new Command("reset", "Reset a user's password and second factor; prints a link to set new ones") { name };
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var reset = await client.ResetUserAsync(parse.GetValue(name)!, ct);
            await context.Console.Out.WriteLineAsync($"User \"{parse.GetValue(name)}\" has been reset. Share this URL with the user to set a new password, link is valid until {reset.Expires:u}:");
            await context.Console.Out.WriteLineAsync(reset.SignupUrl);
            return 0;
        });
        return command;
    }

    internal static List<string> SplitList(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();
}

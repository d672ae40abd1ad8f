using System.CommandLine;
using Ferry.Core.Resources;

namespace Ferry.Tctl.Commands;

/// <summary>tctl rm KIND/NAME.</summary>
internal static class RmCommand
{
    public static Command Build(TctlContext context)
    {
        var reference = new Argument<string>("resource") { Description = "KIND/NAME, e.g. role/aws-dynamodb-access" };
        var command = new Command("rm", "Delete a cluster resource") { reference };
        command.Aliases.Add("del");
        command.SetAction(async (parse, ct) =>
        {
            var target = ResourceRef.Parse(parse.GetValue(reference)!);
            if (target.Name is null)
            {
                throw Core.Errors.FerryException.BadParameter($"tctl rm needs a name: tctl rm {target.Kind}/NAME");
            }

            using var client = context.Connect(parse);
            switch (target.Kind)
            {
                case ResourceKinds.Role:
                    await client.DeleteRoleAsync(target.Name, ct);
                    break;
                case ResourceKinds.User:
                    await client.DeleteUserAsync(target.Name, ct);
                    break;
                case ResourceKinds.Token:
                    await client.DeleteTokenAsync(target.Name, ct);
                    break;
                case ResourceKinds.Lock:
                    await client.DeleteLockAsync(target.Name, ct);
                    break;
                case ResourceKinds.Github or ResourceKinds.Oidc or ResourceKinds.Saml:
                    await client.DeleteConnectorAsync(target.Kind, target.Name, ct);
                    break;
            }

            await context.Console.Out.WriteLineAsync(target.Kind == ResourceKinds.Token
                ? "token has been deleted"
                : $"{Noun(target.Kind)} \"{target.Name}\" has been deleted");
            return 0;
        });
        return command;
    }

    private static string Noun(string kind) => ResourceKinds.Connectors.Contains(kind) ? kind + " connector" : kind;
}

using System.CommandLine;
using Ferry.Client.Http;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Tctl.Commands;

/// <summary>
/// tctl create [-f|--force] [FILE]: create resources from YAML (several documents allowed; stdin without FILE).
/// The whole file is parsed and validated before anything is sent, so a bad document changes nothing.
/// </summary>
internal static class CreateCommand
{
    public static Command Build(TctlContext context)
    {
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite the resource if it already exists" };
        var file = new Argument<string?>("filename") { Description = "YAML file with resources (stdin when omitted)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("create", "Create or update cluster resources from a YAML file") { force, file };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file);
            string text;
            if (path is null or "-")
            {
                text = await context.Console.In.ReadToEndAsync(ct);
            }
            else if (!File.Exists(path))
            {
                throw FerryException.NotFound($"file {path} does not exist");
            }
            else
            {
                text = await File.ReadAllTextAsync(path, ct);
            }

            var resources = ResourceCodec.ParseYaml(text, path ?? "stdin");
            if (resources.Count == 0)
            {
                throw FerryException.BadParameter($"{path ?? "stdin"} holds no resources; expected YAML documents with kind, version, metadata and spec");
            }

            using var client = context.Connect(parse);
            foreach (var resource in resources)
            {
                await context.Console.Out.WriteLineAsync(await CreateAsync(client, resource, parse.GetValue(force), ct));
            }

            return 0;
        });
        return command;
    }

    private static async Task<string> CreateAsync(AuthClient client, IResource resource, bool force, CancellationToken ct)
    {
        switch (resource)
        {
            case Role role:
                await client.CreateRoleAsync(role, force, ct);
                return $"role '{role.Name}' has been {(force ? "created or updated" : "created")}";
            case User user:
                if (await UserExistsAsync(client, user.Name, ct))
                {
                    await client.PutUserAsync(user, force, ct);
                    return $"user \"{user.Name}\" has been updated";
                }

                var created = await client.CreateUserAsync(user, null, ct);
                return $"user \"{user.Name}\" has been created; to set its password, share this link (valid until {created.SignupExpires:u}): {created.SignupUrl}";
            case ProvisionToken token:
                await client.PutTokenAsync(token, force, ct);
                return $"token has been {(force ? "created or updated" : "created")}";
            case AccessLock accessLock:
                var stored = await client.PutLockAsync(accessLock, force, ct);
                return $"lock \"{stored.Name}\" has been {(force ? "created or updated" : "created")}";
            case IAuthConnector connector:
                // Secrets the file leaves out (tctl get prints none without --with-secrets) keep their stored values.
                await client.PutConnectorAsync(connector, force, ct);
                return $"authentication connector \"{connector.Metadata.Name}\" has been {(force ? "created or updated" : "created")}";
            default:
                throw FerryException.BadParameter($"tctl create does not handle {resource.GetType().Name} resources");
        }
    }

    private static async Task<bool> UserExistsAsync(AuthClient client, string name, CancellationToken ct)
    {
        try
        {
            await client.GetUserAsync(name, ct);
            return true;
        }
        catch (FerryException e) when (e.Kind == ErrorKind.NotFound)
        {
            return false;
        }
    }
}

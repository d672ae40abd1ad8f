using System.CommandLine;
using System.Text;
using Ferry.Client.Cli;
using Ferry.Client.Http;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Tctl.Commands;

/// <summary>tctl get KIND[/NAME]: print resources as YAML (default, ready for tctl create), JSON or a table.</summary>
internal static class GetCommand
{
    public static Command Build(TctlContext context)
    {
        var reference = new Argument<string>("resource") { Description = "KIND or KIND/NAME, e.g. roles, role/access, users/alice, tokens, github/github" };
        var format = OutputFormats.Option("yaml");
        var withSecrets = new Option<bool>("--with-secrets") { Description = "Include secrets in the output (join token values, connector client secrets and private keys); needs \"read\" on them" };
        var command = new Command("get", "Print cluster resources") { reference, format, withSecrets };
        command.SetAction(async (parse, ct) =>
        {
            var target = ResourceRef.Parse(parse.GetValue(reference)!);
            var outputFormat = OutputFormats.Parse(parse.GetValue(format));
            using var client = context.Connect(parse);
            var resources = await FetchAsync(client, target, parse.GetValue(withSecrets), ct);
            await WriteAsync(context.Console.Out, target.Kind, resources, outputFormat);
            return 0;
        });
        return command;
    }

    private static async Task<IReadOnlyList<IResource>> FetchAsync(AuthClient client, ResourceRef target, bool withSecrets, CancellationToken ct) => (target.Kind, target.Name) switch
    {
        (ResourceKinds.Role, null) => (await client.ListRolesAsync(ct)).Cast<IResource>().ToList(),
        (ResourceKinds.Role, { } name) => [await client.GetRoleAsync(name, ct)],
        (ResourceKinds.User, null) => (await client.ListUsersAsync(ct)).Cast<IResource>().ToList(),
        (ResourceKinds.User, { } name) => [await client.GetUserAsync(name, ct)],
        (ResourceKinds.Token, null) => (await client.ListTokensAsync(ct, withSecrets)).Cast<IResource>().ToList(),
        (ResourceKinds.Token, { } name) => (await client.ListTokensAsync(ct, withSecrets: true)).Where(t => t.Name == name).Select(t => withSecrets ? t : Redacted(t)).Cast<IResource>().ToList() is { Count: > 0 } found
            ? found
            : throw Core.Errors.FerryException.NotFound($"token \"{name}\" not found"),
        (ResourceKinds.Lock, null) => (await client.ListLocksAsync(ct)).Cast<IResource>().ToList(),
        (ResourceKinds.Lock, { } name) => [await client.GetLockAsync(name, ct)],
        (ResourceKinds.Github or ResourceKinds.Oidc or ResourceKinds.Saml, null) => (await client.ListConnectorsAsync(target.Kind, withSecrets, ct)).Cast<IResource>().ToList(),
        (ResourceKinds.Github or ResourceKinds.Oidc or ResourceKinds.Saml, { } name) => [await client.GetConnectorAsync(target.Kind, name, withSecrets, ct)],
        _ => [],
    };

    /// <summary>Naming a token is knowing its value; the listing still hides it unless asked, like the server's.</summary>
    private static ProvisionToken Redacted(ProvisionToken token) => token with { Metadata = token.Metadata with { Name = "**********" } };

    private static async Task WriteAsync(TextWriter output, string kind, IReadOnlyList<IResource> resources, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.Yaml:
                await output.WriteAsync(ResourceCodec.ToYaml(resources));
                break;
            case OutputFormat.Json:
                await output.WriteLineAsync(ResourceCodec.ToJson(resources));
                break;
            default:
                WriteTable(output, kind, resources);
                break;
        }
    }

    private static void WriteTable(TextWriter output, string kind, IReadOnlyList<IResource> resources)
    {
        switch (kind)
        {
            case ResourceKinds.Role:
                TableWriter.Write(output, ["Role", "Allowed to login as", "Node Labels", "Access to resources"],
                    resources.Cast<Role>().Select(r => (IReadOnlyList<string>)[r.Name, "", "", Describe(r)]));
                break;
            case ResourceKinds.User:
                TableWriter.Write(output, ["User", "Roles"], resources.Cast<User>().Select(u => (IReadOnlyList<string>)[u.Name, string.Join(",", u.Spec.Roles)]));
                break;
            case ResourceKinds.Token:
                TokensCommand.WriteTable(output, resources.Cast<ProvisionToken>());
                break;
            case ResourceKinds.Lock:
                LockCommand.WriteTable(output, resources.Cast<AccessLock>());
                break;
            case ResourceKinds.Github or ResourceKinds.Oidc or ResourceKinds.Saml:
                TableWriter.Write(output, ["Name", "Display", "Mappings"], resources.Cast<IAuthConnector>().Select(c => (IReadOnlyList<string>)
                    [c.Metadata.Name, c.Display ?? "", string.Join("; ", c.RoleMappings.Select(m => $"{m.Place}: {string.Join(",", m.Roles)}"))]));
                break;
        }
    }

    private static string Describe(Role role) =>
        string.Join(",", role.Spec.Allow.Rules.Select(rule => $"{string.Join(",", rule.Resources)}:{string.Join(",", rule.Verbs)}"));
}

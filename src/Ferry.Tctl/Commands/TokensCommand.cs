using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ferry.Client.Cli;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Core.Time;

namespace Ferry.Tctl.Commands;

/// <summary>tctl tokens add|ls|rm: join tokens for app agents.</summary>
internal static class TokensCommand
{
    public static Command Build(TctlContext context)
    {
        var command = new Command("tokens", "Manage join tokens");
        command.Subcommands.Add(Add(context));
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Remove(context));
        return command;
    }

    private static Command Add(TctlContext context)
    {
        var type = new Option<string>("--type") { Description = "Comma-separated system roles the token grants: app, proxy", Required = true };
        var ttl = new Option<string>("--ttl") { Description = "How long the token is valid (Go duration, e.g. 30m, 2h)", DefaultValueFactory = _ => "30m" };
        var appName = new Option<string[]>("--app-name")
        {
            Description = "App tokens: an app agents joining with this token may serve (repeat, or comma-separate, for several; a glob such as 'aws-*' allows a family)",
        };
        var appUri = new Option<string>("--app-uri") { Description = "URI of the app to show in the sample command", DefaultValueFactory = _ => "http://localhost:8080" };
        var labels = new Option<string?>("--labels") { Description = "Labels to put on the token, e.g. env=dev,team=data" };
        var value = new Option<string?>("--value") { Description = "Use this token value instead of a random one" };
        var format = new Option<string?>("--format") { Description = "Output: text (the token only), json or yaml; default is instructions" };
        var command = new Command("add", "Create a join token") { type, ttl, appName, appUri, labels, value, format };
        command.SetAction(async (parse, ct) =>
        {
            var roles = UsersCommand.SplitList(parse.GetValue(type)).Select(ToSystemRole).ToList();
            var lifetime = GoDuration.Parse(parse.GetValue(ttl)!);
            var appNames = (parse.GetValue(appName) ?? []).SelectMany(UsersCommand.SplitList).Distinct(StringComparer.Ordinal).ToList();
            if (roles.Contains(SystemRoles.App) && appNames.Count == 0)
            {
                throw FerryException.BadParameter(
                    "an app token must name the apps its agents may serve: add --app-name=NAME (repeat it for several apps, or use a glob such as --app-name='aws-*')");
            }

            using var client = context.Connect(parse);
            var token = await client.CreateTokenAsync(
                new CreateTokenRequest
                {
                    Roles = roles,
                    TtlSeconds = (int)lifetime.TotalSeconds,
                    Value = parse.GetValue(value),
                    Labels = ParseLabels(parse.GetValue(labels)),
                    AppNames = appNames.Count == 0 ? null : appNames,
                },
                ct);
            var output = context.Console.Out;
            var expires = token.Metadata.Expires!.Value;
            switch (parse.GetValue(format)?.ToLowerInvariant())
            {
                case "text":
                    await output.WriteLineAsync(token.Name);
                    return 0;
                case "json":
                    await output.WriteLineAsync(JsonSerializer.Serialize(new { token = token.Name, roles, app_names = appNames, expires }, new JsonSerializerOptions { WriteIndented = true }));
                    return 0;
                case "yaml":
                    await output.WriteLineAsync($"token: {token.Name}\nroles:\n{string.Concat(roles.Select(r => $"- {r}\n"))}expires: {expires.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}");
                    return 0;
                case null or "":
                    break;
                default:
                    throw FerryException.BadParameter("unsupported --format; use text, json or yaml");
            }

            var status = await client.StatusAsync(ct);
            var proxy = status.ProxyPublicAddr ?? "<proxy host>:3080";
            var minutes = Math.Round(lifetime.TotalMinutes);
            await output.WriteLineAsync($"The invite token: {token.Name}");
            await output.WriteLineAsync($"This token will expire in {minutes} minutes.");
            await output.WriteLineAsync();
            if (roles.Contains(SystemRoles.App))
            {
                // The sample starts an agent for the first app; a glob names no app, so the sample says where to put one.
                var name = appNames.FirstOrDefault(n => !n.Contains('*') && !n.Contains('?')) ?? "<app name>";
                await output.WriteLineAsync("Run this on the new node to join the cluster:");
                await output.WriteLineAsync();
                await output.WriteLineAsync($"> teleport app start \\\n   --token={token.Name} \\\n   --ca-pin={status.CaPin} \\\n   --auth-server={proxy} \\\n   --name={name} \\\n   --uri={parse.GetValue(appUri)}");
                await output.WriteLineAsync();
                await output.WriteLineAsync("Or put the token in a file and set teleport.join_params.token_name to its path in teleport.yaml (see the guide).");
                await output.WriteLineAsync();
                await output.WriteLineAsync("Please note:");
                await output.WriteLineAsync();
                await output.WriteLineAsync($"  - This invitation token will expire in {minutes} minutes");
                await output.WriteLineAsync($"  - {proxy} must be reachable from the new application service.");
                var host = proxy.Split(':')[0];
                await output.WriteLineAsync($"  - Update DNS to point {name}.{host} to the Ferry proxy.");
                await output.WriteLineAsync($"  - Add a TLS certificate for {name}.{host} to the Ferry proxy under \"https_keypairs\".");
            }
            else
            {
                await output.WriteLineAsync($"Set teleport.join_params.token_name to this token (or a file holding it) on the new {string.Join("/", roles)} host, with teleport.ca_pin: {status.CaPin}");
            }

            return 0;
        });
        return command;
    }

    private static Command List(TctlContext context)
    {
        var format = OutputFormats.Option();
        var command = new Command("ls", "List join tokens") { format };
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var tokens = await client.ListTokensAsync(ct, withSecrets: true);
            switch (OutputFormats.Parse(parse.GetValue(format)))
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(ResourceCodec.ToJson(tokens.Cast<IResource>().ToList()));
                    break;
                case OutputFormat.Yaml:
                    await context.Console.Out.WriteAsync(ResourceCodec.ToYaml(tokens.Cast<IResource>().ToList()));
                    break;
                default:
                    WriteTable(context.Console.Out, tokens);
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Remove(TctlContext context)
    {
        var token = new Argument<string>("token") { Description = "The token to delete" };
        var command = new Command("rm", "Delete a join token") { token };
        command.Aliases.Add("del");
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            await client.DeleteTokenAsync(parse.GetValue(token)!, ct);
            await context.Console.Out.WriteLineAsync("Token has been deleted");
            return 0;
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, IEnumerable<ProvisionToken> tokens) =>
        TableWriter.Write(output, ["Token", "Type", "Apps", "Labels", "Expiry Time (UTC)"], tokens.Select(t => (IReadOnlyList<string>)
        [
            t.Name,
            string.Join(",", t.Spec.Roles),
            string.Join(",", t.Spec.AppNames),
            string.Join(",", t.Metadata.Labels.Select(l => $"{l.Key}={l.Value}")),
            t.Metadata.Expires?.UtcDateTime.ToString("dd MMM yy HH:mm UTC", CultureInfo.InvariantCulture) ?? "never",
        ]));

    private static string ToSystemRole(string type) => type.ToLowerInvariant() switch
    {
        "app" => SystemRoles.App,
        "proxy" => SystemRoles.Proxy,
        _ => throw FerryException.BadParameter($"unsupported token --type \"{type}\"; Ferry supports app and proxy"),
    };

    private static Dictionary<string, string>? ParseLabels(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0)
            {
                throw FerryException.BadParameter($"--labels entry \"{pair}\" is not key=value");
            }

            labels[pair[..equals]] = pair[(equals + 1)..];
        }

        return labels;
    }
}

using System.CommandLine;
using System.Text.Json;
using Ferry.Client.Cli;
using Ferry.Client.Login;
using Ferry.Client.Profiles;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Tsh.Commands;

/// <summary>tsh apps ls|login|logout|config.</summary>
internal static class AppsCommand
{
    public static Command Build(TshContext context)
    {
        var command = new Command("apps", "View and control apps");
        command.Subcommands.Add(List(context));
        command.Subcommands.Add(Login(context));
        command.Subcommands.Add(Logout(context));
        command.Subcommands.Add(Config(context));
        return command;
    }

    private static Command List(TshContext context)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also show each app's URI" };
        var format = OutputFormats.Option("text", "-f");
        var command = new Command("ls", "List the apps you can reach") { verbose, format };
        command.SetAction(async (parse, ct) =>
        {
            var profile = context.Store.RequireCurrent();
            using var client = LoginFlow.AuthClientFor(context.Store, profile);
            var apps = await client.ListAppsAsync(ct);
            var resources = apps.Select(a => (IResource)ResourceJson.Deserialize<App>(a.App.GetRawText())).ToList();
            switch (OutputFormats.Parse(parse.GetValue(format)))
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(ResourceCodec.ToJson(resources));
                    break;
                case OutputFormat.Yaml:
                    await context.Console.Out.WriteAsync(ResourceCodec.ToYaml(resources));
                    break;
                default:
                    var active = context.Store.AppLogins(profile).Select(l => l.AppName).ToHashSet(StringComparer.Ordinal);
                    var headers = new List<string> { "Application", "Description", "Public Address", "Labels" };
                    if (parse.GetValue(verbose))
                    {
                        headers.Add("URI");
                    }

                    TableWriter.Write(context.Console.Out, headers, resources.Cast<App>().Select(app =>
                    {
                        var row = new List<string>
                        {
                            (active.Contains(app.Name) ? "> " : "") + app.Name,
                            app.Metadata.Description ?? "",
                            app.Spec.PublicAddr,
                            string.Join(",", app.Metadata.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={l.Value}")),
                        };
                        if (parse.GetValue(verbose))
                        {
                            row.Add(app.Spec.Uri);
                        }

                        return (IReadOnlyList<string>)row;
                    }));
                    break;
            }

            return 0;
        });
        return command;
    }

    private static Command Login(TshContext context)
    {
        var app = new Argument<string>("app") { Description = "App name (tsh apps ls lists them)" };
        var awsRole = new Option<string?>("--aws-role") { Description = "IAM role to assume: a role name such as ExampleTeleportDynamoDBRole, or its full ARN" };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing on success" };
        var command = new Command("login", "Get a certificate for an app (and, for AWS apps, one IAM role)") { app, awsRole, quiet };
        command.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(app)!;
            var profile = context.Store.RequireCurrent();
            using var client = LoginFlow.AuthClientFor(context.Store, profile);
            var apps = await client.ListAppsAsync(ct);
            var info = apps.FirstOrDefault(a => a.App.GetProperty("metadata").GetProperty("name").GetString() == name)
                ?? throw FerryException.NotFound($"app \"{name}\" not found; tsh apps ls lists the apps you can reach");
            var arn = info.AwsConsole ? AwsRoleSelector.Select(name, info.AwsRoles, parse.GetValue(awsRole), context.Console.Out) : null;
            using var key = context.Store.LoadKey(profile);
            var session = await client.CreateAppSessionAsync(
                new CreateAppSessionRequest { AppName = name, AwsRoleArn = arn, PublicKey = key.ExportSubjectPublicKeyInfoPem() }, ct);
            context.Store.SaveAppLogin(
                profile,
                new AppLogin { AppName = name, SessionId = session.SessionId, PublicAddr = session.PublicAddr, Uri = session.AppUri, AwsRoleArn = arn, Expires = session.Expires },
                session.CertPem);
            Resident.ResidentAwsProxy.StopAll(context.Store, profile, name); // it serves the previous certificate (and perhaps another role)
            if (parse.GetValue(quiet))
            {
                return 0;
            }

            var output = context.Console.Out;
            if (arn is null)
            {
                await output.WriteLineAsync($"Logged into app \"{name}\" (valid until {session.Expires:u}).");
                return 0;
            }

            await output.WriteLineAsync($"Logged into AWS app \"{name}\".");
            await output.WriteLineAsync("Your IAM role:");
            await output.WriteLineAsync($"  {arn}");
            await output.WriteLineAsync("Example AWS CLI command:");
            await output.WriteLineAsync("  tsh aws s3 ls");
            await output.WriteLineAsync("Or start a local proxy:");
            await output.WriteLineAsync($"  tsh proxy aws --app {name}");
            return 0;
        });
        return command;
    }

    private static Command Logout(TshContext context)
    {
        var app = new Argument<string?>("app") { Description = "App to log out of (all apps when omitted)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("logout", "Remove app certificates and end their sessions") { app };
        command.SetAction(async (parse, ct) =>
        {
            var profile = context.Store.RequireCurrent();
            var logins = context.Store.AppLogins(profile);
            var name = parse.GetValue(app);
            var targets = name is null ? logins : logins.Where(l => l.AppName == name).ToList();
            if (name is not null && targets.Count == 0)
            {
                throw FerryException.NotFound($"not logged into app \"{name}\"");
            }

            using var client = LoginFlow.AuthClientFor(context.Store, profile);
            foreach (var login in targets)
            {
                try
                {
                    await client.DeleteAppSessionAsync(login.SessionId, ct);
                }
                catch (FerryException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.AccessDenied)
                {
                    // Already gone (expired, or the login expired): removing the local files is what matters.
                }

                Resident.ResidentAwsProxy.StopAll(context.Store, profile, login.AppName);
                context.Store.RemoveAppLogin(profile, login.AppName);
            }

            await context.Console.Out.WriteLineAsync(name is null ? "Logged out of all apps" : $"Logged out of app \"{name}\"");
            return 0;
        });
        return command;
    }

    private static Command Config(TshContext context)
    {
        var app = new Argument<string?>("app") { Description = "App name (the only logged-in app when omitted)", Arity = ArgumentArity.ZeroOrOne };
        var format = OutputFormats.Option("text", "-f");
        var command = new Command("config", "Print the certificate, key and CA paths for an app") { app, format };
        command.SetAction(async (parse, ct) =>
        {
            var profile = context.Store.RequireCurrent();
            var login = ActiveApps.Choose(context.Store, profile, parse.GetValue(app));
            var document = new AppConfig(
                login.AppName, $"https://{profile.ProxyAddress}", context.Store.CasPath(profile), context.Store.AppCertificatePath(profile, login.AppName),
                context.Store.KeyPath(profile), login.AwsRoleArn);
            if (OutputFormats.Parse(parse.GetValue(format)) == OutputFormat.Json)
            {
                await context.Console.Out.WriteLineAsync(JsonSerializer.Serialize(document, TshJsonContext.Default.AppConfig));
                return 0;
            }

            var output = context.Console.Out;
            await output.WriteLineAsync($"Name:      {document.Name}");
            await output.WriteLineAsync($"URI:       {document.Uri}");
            await output.WriteLineAsync($"CA:        {document.Ca}");
            await output.WriteLineAsync($"Cert:      {document.Cert}");
            await output.WriteLineAsync($"Key:       {document.Key}");
            if (document.AwsRoleArn is not null)
            {
                await output.WriteLineAsync($"AWS ARN:   {document.AwsRoleArn}");
            }

            return 0;
        });
        return command;
    }

    /// <summary>The shape of `tsh apps config -f json`.</summary>
    internal sealed record AppConfig(string Name, string Uri, string Ca, string Cert, string Key, string? AwsRoleArn);
}

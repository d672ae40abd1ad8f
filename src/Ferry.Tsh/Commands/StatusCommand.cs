using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Client.Cli;
using Ferry.Client.Profiles;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Time;
using Ferry.Core.Yaml;

namespace Ferry.Tsh.Commands;

/// <summary>tsh status [-f text|json|yaml]: who you are, your roles and traits, and until when.</summary>
internal static class StatusCommand
{
    public static Command Build(TshContext context)
    {
        var format = OutputFormats.Option("text", "-f");
        var command = new Command("status", "Show the current login") { format };
        command.SetAction(async (parse, ct) =>
        {
            var profile = context.Store.Current()
                ?? throw FerryException.AccessDenied("not logged in; run: tsh login --proxy=HOST:PORT --user=NAME");
            var status = Describe(context.Store, profile);
            switch (OutputFormats.Parse(parse.GetValue(format)))
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(JsonSerializer.Serialize(new StatusDocument(status, [], null), TshJsonContext.Default.StatusDocument));
                    break;
                case OutputFormat.Yaml:
                    await context.Console.Out.WriteAsync(YamlWriter.Write(JsonSerializer.SerializeToNode(new StatusDocument(status, [], null), TshJsonContext.Default.StatusDocument)));
                    break;
                default:
                    await PrintProfileAsync(context, profile, ct);
                    break;
            }

            return 0;
        });
        return command;
    }

    public static ProfileStatus Describe(ProfileStore store, Profile profile)
    {
        using var certificate = store.LoadUserCertificate(profile);
        var identity = IdentityCodec.Decode(certificate);
        return new ProfileStatus(
            profile.ProfileUrl,
            identity.Username,
            profile.ClusterName,
            identity.Roles,
            identity.Traits,
            [],
            identity.Expires,
            store.AppLogins(profile).Select(a => new AppStatus(a.AppName, a.AwsRoleArn, a.PublicAddr, a.Expires)).ToList());
    }

    public static async Task PrintProfileAsync(TshContext context, Profile profile, CancellationToken ct)
    {
        var status = Describe(context.Store, profile);
        var remaining = status.ValidUntil - DateTimeOffset.UtcNow;
        var validity = remaining > TimeSpan.Zero ? $"[valid for {GoDuration.Format(TimeSpan.FromSeconds(Math.Round(remaining.TotalSeconds)))}]" : "[EXPIRED]";
        var output = context.Console.Out;
        await output.WriteLineAsync($"> Profile URL:        {status.ProfileUrl}");
        await output.WriteLineAsync($"  Logged in as:       {status.Username}");
        await output.WriteLineAsync($"  Cluster:            {status.Cluster}");
        await output.WriteLineAsync($"  Roles:              {string.Join(", ", status.Roles)}");
        if (status.Traits.TryGetValue("aws_role_arns", out var arns) && arns.Count > 0)
        {
            await output.WriteLineAsync($"  AWS role ARNs:      {string.Join(", ", arns)}");
        }

        await output.WriteLineAsync($"  Valid until:        {status.ValidUntil.ToLocalTime():yyyy-MM-dd HH:mm:ss zzz} {validity}");
        foreach (var app in context.Store.AppLogins(profile))
        {
            await output.WriteLineAsync($"  App:                {app.AppName}{(app.AwsRoleArn is null ? "" : " as " + app.AwsRoleArn)}");
        }
        await output.WriteLineAsync();
    }

    /// <summary>The shape of `tsh status -f json`, as Teleport prints it (the fields Ferry has).</summary>
    internal sealed record StatusDocument(ProfileStatus Active, IReadOnlyList<ProfileStatus> Profiles, IReadOnlyDictionary<string, string>? Environment);

    internal sealed record ProfileStatus(
        string ProfileUrl,
        string Username,
        string Cluster,
        IReadOnlyList<string> Roles,
        IReadOnlyDictionary<string, IReadOnlyList<string>> Traits,
        IReadOnlyList<string> Logins,
        DateTimeOffset ValidUntil,
        IReadOnlyList<AppStatus> Apps);

    internal sealed record AppStatus(string Name, string? AwsRoleArn, string PublicAddr, DateTimeOffset ValidUntil);
}

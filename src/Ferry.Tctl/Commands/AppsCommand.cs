using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Tctl.Commands;

/// <summary>tctl apps ls: the apps agents currently announce, one row per agent.</summary>
internal static class AppsCommand
{
    public static Command Build(TctlContext context)
    {
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also show each app's URI" };
        var format = OutputFormats.Option();
        var ls = new Command("ls", "List apps served by connected agents") { verbose, format };
        ls.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var servers = await client.ListAppServersAsync(ct);
            switch (OutputFormats.Parse(parse.GetValue(format)))
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(ResourceCodec.ToJson(servers.Cast<IResource>()));
                    break;
                case OutputFormat.Yaml:
                    await context.Console.Out.WriteAsync(ResourceCodec.ToYaml(servers.Cast<IResource>()));
                    break;
                default:
                    var headers = new List<string> { "Host", "Name", "Public Address", "Labels" };
                    if (parse.GetValue(verbose))
                    {
                        headers.Add("URI");
                    }

                    TableWriter.Write(context.Console.Out, headers, servers.OrderBy(s => s.Spec.App.Name, StringComparer.Ordinal).Select(s =>
                    {
                        var app = s.Spec.App;
                        var row = new List<string>
                        {
                            s.Spec.Hostname,
                            app.Name,
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
        return new Command("apps", "Inspect apps") { ls };
    }
}

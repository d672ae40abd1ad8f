using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ferry.Client.Cli;
using Ferry.Core.Audit;
using Ferry.Core.Time;

namespace Ferry.Tctl.Commands;

/// <summary>tctl audit ls: recent audit events, newest first (auditor or editor roles).</summary>
internal static class AuditCommand
{
    private static readonly string[] CommonFields = ["event", "code", "time", "uid", "cluster_name", "user", "success", "error"];

    public static Command Build(TctlContext context)
    {
        var since = new Option<string>("--since") { Description = "How far back to look (Go duration, e.g. 1h, 30m, 7d is 168h)", DefaultValueFactory = _ => "24h" };
        var type = new Option<string[]>("--type") { Description = "Only events of this type (repeatable), e.g. user.login", AllowMultipleArgumentsPerToken = true };
        var user = new Option<string?>("--user") { Description = "Only events by this user" };
        var limit = new Option<int>("--limit") { Description = "At most this many events", DefaultValueFactory = _ => 100 };
        var format = OutputFormats.Option();
        var ls = new Command("ls", "List audit events") { since, type, user, limit, format };
        ls.SetAction(async (parse, ct) =>
        {
            var window = GoDuration.Parse(parse.GetValue(since)!);
            using var client = context.Connect(parse);
            var events = await client.SearchEventsAsync(DateTimeOffset.UtcNow - window, parse.GetValue(type) ?? [], parse.GetValue(user), parse.GetValue(limit), ct);
            switch (OutputFormats.Parse(parse.GetValue(format)))
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(JsonSerializer.Serialize(events, new JsonSerializerOptions { WriteIndented = true }));
                    break;
                case OutputFormat.Yaml:
                    throw Core.Errors.FerryException.BadParameter("tctl audit ls supports --format text or json");
                default:
                    TableWriter.Write(context.Console.Out, ["Time (UTC)", "Event", "Code", "User", "Result", "Details"], events.Select(e => (IReadOnlyList<string>)
                    [
                        e.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                        e.Type,
                        e.Code,
                        e.User ?? "",
                        e.Success ? "success" : "failure" + (e.Error is null ? "" : ": " + e.Error),
                        Details(e),
                    ]));
                    break;
            }

            return 0;
        });
        var command = new Command("audit", "Inspect the audit log") { ls };
        return command;
    }

    private static string Details(AuditEvent auditEvent) =>
        string.Join(" ", auditEvent.Fields.Keys.Where(k => !CommonFields.Contains(k)).Select(k => $"{k}={auditEvent.FieldText(k)}"));
}

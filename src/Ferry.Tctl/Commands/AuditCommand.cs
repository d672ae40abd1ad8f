using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Ferry.Client.Cli;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Time;

namespace Ferry.Tctl.Commands;

/// <summary>
/// tctl audit ls: recent audit events, newest first (auditor or editor roles). It pages through auth's answers with
/// their cursor until --limit events are shown; when more match, text output says so on stderr (JSON output stays a
/// plain array, so jq pipelines keep working). Every filter, --service and --operation included, runs in auth's
/// search, so --limit counts matching events.
/// </summary>
internal static class AuditCommand
{
    /// <summary>Events asked for per request: auth's default page, small enough that no answer is large.</summary>
    internal const int PageSize = 100;

    private static readonly string[] CommonFields = ["event", "code", "time", "uid", "cluster_name", "user", "success", "error"];

    /// <summary>What an AWS request touched, first in Details: what an auditor scans the column for.</summary>
    private static readonly string[] LeadingFields = ["aws_service", "aws_operation", "s3_bucket", "s3_key", "lambda_function"];

    public static Command Build(TctlContext context)
    {
        var since = new Option<string>("--since") { Description = "How far back to look (Go duration, e.g. 1h, 30m, 7d is 168h)", DefaultValueFactory = _ => "24h" };
        var type = new Option<string[]>("--type") { Description = "Only events of this type (repeatable), e.g. user.login", AllowMultipleArgumentsPerToken = true };
        var user = new Option<string?>("--user") { Description = "Only events by this user" };
        var service = new Option<string[]>("--service")
        {
            Description = "Only AWS requests to this service (repeatable; any case), e.g. s3, dynamodb, sqs", AllowMultipleArgumentsPerToken = true,
        };
        var operation = new Option<string[]>("--operation")
        {
            Description = "Only AWS requests of this operation (repeatable; exact, case-sensitive), e.g. PutObject, GetItem", AllowMultipleArgumentsPerToken = true,
        };
        var limit = new Option<int>("--limit") { Description = "At most this many events (fetched in pages of 100)", DefaultValueFactory = _ => 100 };
        var format = OutputFormats.Option();
        var ls = new Command("ls", "List audit events") { since, type, user, service, operation, limit, format };
        ls.SetAction(async (parse, ct) =>
        {
            var window = GoDuration.Parse(parse.GetValue(since)!);
            var max = parse.GetValue(limit);
            if (max < 1)
            {
                throw Core.Errors.FerryException.BadParameter("--limit must be at least 1");
            }

            // Checked before connecting, so a typo is named as the flag the user typed.
            var filter = new AuditEventsFilter
            {
                Since = DateTimeOffset.UtcNow - window,
                Types = parse.GetValue(type) ?? [],
                User = parse.GetValue(user),
                Services = (parse.GetValue(service) ?? []).Select(s => AwsAuditFilters.Service(s, "--service")).Distinct(StringComparer.Ordinal).ToList(),
                Operations = (parse.GetValue(operation) ?? []).Select(o => AwsAuditFilters.Operation(o, "--operation")).Distinct(StringComparer.Ordinal).ToList(),
            };
            var outputFormat = OutputFormats.Parse(parse.GetValue(format));
            if (outputFormat == OutputFormat.Yaml)
            {
                throw Core.Errors.FerryException.BadParameter("tctl audit ls supports --format text or json");
            }

            using var client = context.Connect(parse);
            var (events, more) = await ReadAsync(client, filter, max, ct);
            switch (outputFormat)
            {
                case OutputFormat.Json:
                    await context.Console.Out.WriteLineAsync(JsonSerializer.Serialize(events, new JsonSerializerOptions { WriteIndented = true }));
                    break;
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
                    if (more)
                    {
                        await context.Console.Error.WriteLineAsync(
                            $"More events match than the {max} shown; see older ones with a larger --limit (e.g. --limit={(long)max * 10}) or narrow them with --since, --type, --user, --service or --operation.");
                    }

                    break;
            }

            return 0;
        });
        var command = new Command("audit", "Inspect the audit log") { ls };
        return command;
    }

    /// <summary>Pages until <paramref name="limit"/> events are read or none are left; says whether more match.</summary>
    private static async Task<(List<AuditEvent> Events, bool More)> ReadAsync(
        AuthClient client, AuditEventsFilter filter, int limit, CancellationToken ct)
    {
        var events = new List<AuditEvent>(Math.Min(limit, PageSize));
        string? cursor = null;
        do
        {
            var page = await client.SearchEventsAsync(filter, Math.Min(PageSize, limit - events.Count), cursor, ct);
            events.AddRange(page.Events);
            cursor = page.NextCursor;
        }
        while (cursor is not null && events.Count < limit);

        return (events, cursor is not null);
    }

    private static string Details(AuditEvent auditEvent) => string.Join(" ",
        LeadingFields.Where(auditEvent.Fields.ContainsKey)
            .Concat(auditEvent.Fields.Keys.Where(k => !CommonFields.Contains(k) && !LeadingFields.Contains(k)))
            .Select(k => $"{k}={auditEvent.FieldText(k)}"));
}

using System.CommandLine;
using System.Globalization;
using Ferry.Client.Cli;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Time;

namespace Ferry.Tctl.Commands;

/// <summary>
/// tctl lock --user=NAME | --role=NAME [--message=TEXT] [--ttl=DURATION | --expires=RFC3339]: cuts the target off
/// everywhere within a second (docs/locks.md). tctl get locks lists them; tctl rm lock/NAME lifts one.
/// </summary>
internal static class LockCommand
{
    public static Command Build(TctlContext context)
    {
        var user = new Option<string?>("--user") { Description = "Lock this user" };
        var role = new Option<string?>("--role") { Description = "Lock every user holding this role" };
        var message = new Option<string?>("--message") { Description = "Shown to the locked user with every refusal" };
        var ttl = new Option<string?>("--ttl") { Description = "How long the lock lasts (Go duration, e.g. 1h); default: until removed" };
        var expires = new Option<string?>("--expires") { Description = "When the lock lapses (RFC 3339, e.g. 2026-12-31T23:00:00Z)" };
        var command = new Command("lock", "Lock a user or a role out of the cluster now") { user, role, message, ttl, expires };
        command.SetAction(async (parse, ct) =>
        {
            var target = new LockTarget { User = parse.GetValue(user), Role = parse.GetValue(role) };
            if (target.User is null == (target.Role is null))
            {
                throw FerryException.BadParameter("name exactly one target: tctl lock --user=NAME or tctl lock --role=NAME");
            }

            var ttlText = parse.GetValue(ttl);
            var expiresText = parse.GetValue(expires);
            if (ttlText is not null && expiresText is not null)
            {
                throw FerryException.BadParameter("use --ttl or --expires, not both");
            }

            DateTimeOffset? until = null;
            if (ttlText is not null)
            {
                var lifetime = GoDuration.Parse(ttlText);
                if (lifetime <= TimeSpan.Zero)
                {
                    throw FerryException.BadParameter($"--ttl must be positive; got {ttlText}");
                }

                until = DateTimeOffset.UtcNow + lifetime;
            }
            else if (expiresText is not null)
            {
                until = DateTimeOffset.TryParse(expiresText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
                    ? parsed
                    : throw FerryException.BadParameter($"--expires must be an RFC 3339 time such as 2026-12-31T23:00:00Z; got {expiresText}");
            }

            using var client = context.Connect(parse);
            var created = await client.PutLockAsync(
                new AccessLock
                {
                    Metadata = new ResourceMetadata { Name = Guid.NewGuid().ToString() },
                    Spec = new LockSpec { Target = target, Message = parse.GetValue(message), Expires = until },
                },
                force: false,
                ct);
            var what = target.User is { } name ? $"user \"{name}\"" : $"role \"{target.Role}\"";
            await context.Console.Out.WriteLineAsync(
                $"Created a lock with name \"{created.Name}\" for {what}{(until is { } t ? $" until {t:u}" : "")}. Remove it with: tctl rm lock/{created.Name}");
            return 0;
        });
        return command;
    }

    internal static void WriteTable(TextWriter output, IEnumerable<AccessLock> locks) =>
        TableWriter.Write(output, ["ID", "Target", "Message", "Expires"], locks.Select(l => (IReadOnlyList<string>)
        [
            l.Name,
            l.Spec.Target.User is { } u ? $"user:{u}" : $"role:{l.Spec.Target.Role}",
            l.Spec.Message ?? "",
            l.Spec.Expires?.UtcDateTime.ToString("yyyy-MM-dd HH:mm UTC", CultureInfo.InvariantCulture) ?? "never",
        ]));
}

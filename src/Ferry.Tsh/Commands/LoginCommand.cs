using System.CommandLine;
using Ferry.Client.Login;
using Ferry.Core.Errors;
using Ferry.Core.Time;

namespace Ferry.Tsh.Commands;

/// <summary>tsh login --proxy=HOST[:PORT] --user=NAME [--insecure] [--ttl=DURATION].</summary>
internal static class LoginCommand
{
    public static Command Build(TshContext context)
    {
        var proxy = new Option<string?>("--proxy") { Description = "Proxy address, host[:port] (port 3080 when omitted)" };
        var user = new Option<string?>("--user") { Description = "User name (default: $TELEPORT_USER, then your OS user)" };
        var insecure = new Option<bool>("--insecure") { Description = "Do not verify the proxy's TLS certificate (self-signed test setups only)" };
        var ttl = new Option<string?>("--ttl") { Description = "Certificate lifetime: a duration such as 8h or 90m, or minutes; capped by your roles' max_session_ttl" };
        var command = new Command("login", "Log in to a cluster and get a short-lived certificate") { proxy, user, insecure, ttl };
        command.SetAction(async (parse, ct) =>
        {
            var proxyValue = parse.GetValue(proxy) ?? Environment.GetEnvironmentVariable("TELEPORT_PROXY") ?? context.Store.Current()?.ProxyAddress
                ?? throw FerryException.BadParameter("which cluster? pass --proxy=HOST:PORT (e.g. --proxy=localhost:3080)");
            var userName = parse.GetValue(user) ?? Environment.GetEnvironmentVariable("TELEPORT_USER") ?? Environment.UserName;
            var address = LoginFlow.NormalizeProxyAddress(proxyValue);
            var flow = new LoginFlow(context.Store);
            var profile = await flow.LoginAsync(
                address,
                userName,
                ping =>
                {
                    var password = context.Console.ReadSecret($"Enter password for Ferry user {userName}:\n");
                    string? otp = null;
                    if (ping.SecondFactor == "otp")
                    {
                        otp = context.Console.ReadLine("Enter an OTP code from a device:\n").Trim();
                    }

                    return Task.FromResult(new Credentials(password, otp));
                },
                ParseTtl(parse.GetValue(ttl)),
                parse.GetValue(insecure),
                ct);
            await StatusCommand.PrintProfileAsync(context, profile, ct);
            foreach (var (app, reason) in flow.Refreshed.Dropped)
            {
                await context.Console.Error.WriteLineAsync($"Your login to app \"{app}\" could not be renewed for the new key ({reason}); run tsh apps login {app} again.");
            }

            return 0;
        });
        return command;
    }

    private static TimeSpan? ParseTtl(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        // Teleport's --ttl is minutes; a Go duration is clearer and accepted too.
        return int.TryParse(value, out var minutes) ? TimeSpan.FromMinutes(minutes) : GoDuration.Parse(value);
    }
}

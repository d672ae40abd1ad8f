using System.CommandLine;
using Ferry.Client.Login;
using Ferry.Core.Errors;
using Ferry.Core.Time;

namespace Ferry.Tsh.Commands;

/// <summary>
/// tsh login --proxy=HOST[:PORT] [--user=NAME] [--auth=local|NAME|KIND/NAME] [--browser=none] [--insecure] [--ttl=DURATION].
/// Without --auth the cluster's default (auth_service.authentication) decides between a password and a connector.
/// </summary>
internal static class LoginCommand
{
    public static Command Build(TshContext context)
    {
        var proxy = new Option<string?>("--proxy") { Description = "Proxy address, host[:port] (port 3080 when omitted)" };
        var user = new Option<string?>("--user") { Description = "User name (default: $TELEPORT_USER, then your OS user)" };
        var insecure = new Option<bool>("--insecure") { Description = "Do not verify the proxy's TLS certificate (self-signed test setups only)" };
        var ttl = new Option<string?>("--ttl") { Description = "Certificate lifetime: a duration such as 8h or 90m, or minutes; capped by your roles' max_session_ttl" };
        var auth = new Option<string?>("--auth") { Description = "How to log in: local (password), or a single sign-on connector's name (KIND/NAME when names clash)" };
        var browser = new Option<string?>("--browser") { Description = "none: only print the identity provider's URL, do not try to open a browser" };
        var command = new Command("login", "Log in to a cluster and get a short-lived certificate") { proxy, user, insecure, ttl, auth, browser };
        command.SetAction(async (parse, ct) =>
        {
            var proxyValue = parse.GetValue(proxy) ?? Environment.GetEnvironmentVariable("TELEPORT_PROXY") ?? context.Store.Current()?.ProxyAddress
                ?? throw FerryException.BadParameter("which cluster? pass --proxy=HOST:PORT (e.g. --proxy=localhost:3080)");
            var userName = parse.GetValue(user) ?? Environment.GetEnvironmentVariable("TELEPORT_USER") ?? Environment.UserName;
            var address = LoginFlow.NormalizeProxyAddress(proxyValue);
            var flow = new LoginFlow(context.Store);
            var browserValue = parse.GetValue(browser);
            if (browserValue is not null and not "none")
            {
                throw FerryException.BadParameter($"--browser={browserValue} is not supported; use --browser=none to only print the URL");
            }

            var connector = await ConnectorAsync(parse.GetValue(auth), address, parse.GetValue(insecure), ct);
            var profile = connector is not null
                ? await flow.LoginSsoAsync(address, connector, url => ShowUrlAsync(context, url, browserValue is null), ParseTtl(parse.GetValue(ttl)), parse.GetValue(insecure), SsoTimeout, ct)
                : await flow.LoginAsync(
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

    /// <summary>How long tsh waits for the browser to come back (Teleport waits three minutes too).</summary>
    private static readonly TimeSpan SsoTimeout = TimeSpan.FromMinutes(3);

    /// <summary>The connector to log in through, or null for a password login.</summary>
    private static async Task<string?> ConnectorAsync(string? auth, string address, bool insecure, CancellationToken ct)
    {
        if (auth is not null)
        {
            return auth.Trim() is "" or "local" or "passwordless" ? null : auth.Trim();
        }

        using var proxy = new Ferry.Client.Http.ProxyClient(address, new Ferry.Client.Http.ServerTrust(insecure, null));
        var connectors = await proxy.ListSsoConnectorsAsync(ct);
        return connectors.DefaultType != "local" && connectors.DefaultConnector is { Length: > 0 } name ? connectors.DefaultType + "/" + name : null;
    }

    private static async Task ShowUrlAsync(TshContext context, Uri url, bool tryBrowser)
    {
        var opened = tryBrowser && TryOpenBrowser(url);
        await context.Console.Error.WriteLineAsync(opened
            ? $"If browser window does not open automatically, open it by clicking on the link:\n {url.AbsoluteUri}"
            : $"Use the following URL to authenticate:\n {url.AbsoluteUri}");
        await context.Console.Error.FlushAsync();
    }

    /// <summary>xdg-open when there is a desktop session; a server over SSH just gets the URL printed.</summary>
    private static bool TryOpenBrowser(Uri url)
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY")) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY")))
        {
            return false;
        }

        try
        {
            var start = new System.Diagnostics.ProcessStartInfo("xdg-open") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(url.AbsoluteUri);
            using var process = System.Diagnostics.Process.Start(start);
            return process is not null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
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

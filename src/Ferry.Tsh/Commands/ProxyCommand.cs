using System.CommandLine;
using System.Runtime.InteropServices;
using Ferry.Core.Errors;
using Ferry.LocalProxy;

namespace Ferry.Tsh.Commands;

/// <summary>tsh proxy aws: a local AWS proxy for other programs (boto3, SDKs, GUI tools), until Ctrl-C.</summary>
internal static class ProxyCommand
{
    public static Command Build(TshContext context)
    {
        var app = new Option<string?>("--app") { Description = "AWS app to proxy (the only logged-in one when omitted)" };
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on (random when omitted)" };
        var endpointUrl = new Option<bool>("--endpoint-url", "-e") { Description = "Serve as an AWS endpoint URL (https://localhost:PORT) instead of an HTTPS proxy" };
        var format = new Option<string>("--format", "-f") { Description = "How to print the settings: unix, text, command-prompt or powershell", DefaultValueFactory = _ => "unix" };
        var aws = new Command("aws", "Start a local proxy for AWS access") { app, port, endpointUrl, format };
        aws.SetAction(async (parse, ct) =>
        {
            var profile = context.Store.RequireCurrent();
            var login = ActiveApps.Choose(context.Store, profile, parse.GetValue(app));
            var style = parse.GetValue(format)!.ToLowerInvariant();
            if (style is not ("unix" or "text" or "command-prompt" or "powershell"))
            {
                throw FerryException.BadParameter($"unsupported --format \"{style}\"; use unix, text, command-prompt or powershell");
            }

            var mode = parse.GetValue(endpointUrl) ? AwsLocalProxyMode.EndpointUrl : AwsLocalProxyMode.HttpsProxy;
            var requestedPort = parse.GetValue(port);
            if (requestedPort is < 0 or > 65535)
            {
                throw FerryException.BadParameter("--port must be between 1 and 65535");
            }

            await using var proxy = await AwsProxyLauncher.StartAsync(context, profile, login, mode, requestedPort, ct, new StderrLogs(context.Console.Error));
            var output = context.Console.Out;
            if (mode == AwsLocalProxyMode.HttpsProxy)
            {
                await output.WriteLineAsync($"Started AWS proxy on http://127.0.0.1:{proxy.Port}.");
                if (requestedPort == 0)
                {
                    await output.WriteLineAsync("To avoid port randomization, you can choose the listening port using the --port flag.");
                }

                await output.WriteLineAsync();
                await output.WriteLineAsync("Use the following credentials and HTTPS proxy setting to connect to the proxy:");
            }
            else
            {
                await output.WriteLineAsync($"Started AWS proxy which serves as an AWS endpoint URL at https://localhost:{proxy.Port}.");
                if (requestedPort == 0)
                {
                    await output.WriteLineAsync("To avoid port randomization, you can choose the listening port using the --port flag.");
                }

                await output.WriteLineAsync();
                await output.WriteLineAsync("In addition to the endpoint URL, use the following credentials to connect to the proxy:");
            }

            var environment = proxy.GetEnvironment();
            foreach (var name in new[] { "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CA_BUNDLE", "HTTPS_PROXY" })
            {
                if (environment.TryGetValue(name, out var value))
                {
                    await output.WriteLineAsync(Line(style, name, value));
                }
            }

            await output.WriteLineAsync();
            await output.FlushAsync(ct);

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return new Command("proxy", "Run local proxies") { aws };
    }

    private static string Line(string style, string name, string value) => style switch
    {
        "text" => $"  {name}={value}",
        "command-prompt" => $"  set {name}={value}",
        "powershell" => $"  $Env:{name}=\"{value}\"",
        _ => $"  export {name}={value}",
    };
}

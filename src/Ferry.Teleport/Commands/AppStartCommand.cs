using System.CommandLine;
using System.Globalization;
using System.Text;
using Ferry.Client.Cli;
using Ferry.Config;
using Ferry.Core.Errors;

namespace Ferry.Teleport.Commands;

/// <summary>
/// teleport app start --token=... --ca-pin=... --auth-server=PROXY --name=APP --uri=URI: the one-line agent that
/// `tctl tokens add --type=app` prints. It builds the same teleport.yaml the guide writes by hand and runs it.
/// </summary>
internal static class AppStartCommand
{
    public static Command Build(CliConsole console)
    {
        var token = new Option<string>("--token") { Description = "Join token (or a path to a file holding it)", Required = true };
        var caPin = new Option<string[]>("--ca-pin") { Description = "CA pin of the cluster, as tctl status prints it", AllowMultipleArgumentsPerToken = true };
        var authServer = new Option<string>("--auth-server") { Description = "Address of the proxy to join through, host:port", Required = true };
        var name = new Option<string>("--name") { Description = "App name", Required = true };
        var uri = new Option<string>("--uri") { Description = "App URI, e.g. https://console.aws.amazon.com/dynamodbv2/home", Required = true };
        var labels = new Option<string?>("--labels") { Description = "App labels, e.g. env=dev,aws_account_id=123456789012" };
        var publicAddr = new Option<string?>("--public-addr") { Description = "Public address of the app (default: <name>.<proxy host>)" };
        var dataDir = new Option<string>("--data-dir", "-d") { Description = "Where the agent keeps its identity", DefaultValueFactory = _ => "/var/lib/teleport" };
        var nodeName = new Option<string?>("--nodename") { Description = "Name of this agent in the cluster (default: host name)" };
        var insecure = new Option<bool>("--insecure") { Description = "Do not verify the proxy when joining (test setups only)" };
        var start = new Command("start", "Start an app agent for one app without a config file") { token, caPin, authServer, name, uri, labels, publicAddr, dataDir, nodeName, insecure };
        start.SetAction(async (parse, ct) =>
        {
            var yaml = new StringBuilder();
            yaml.AppendLine("version: v3");
            yaml.AppendLine("teleport:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  data_dir: {Quote(parse.GetValue(dataDir)!)}");
            if (parse.GetValue(nodeName) is { } node)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"  nodename: {Quote(node)}");
            }

            yaml.AppendLine("  join_params:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    token_name: {Quote(parse.GetValue(token)!)}");
            yaml.AppendLine("    method: token");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  proxy_server: {Quote(parse.GetValue(authServer)!)}");
            if (parse.GetValue(caPin) is { Length: > 0 } pins)
            {
                yaml.AppendLine("  ca_pin:");
                foreach (var pin in pins)
                {
                    yaml.AppendLine(CultureInfo.InvariantCulture, $"  - {Quote(pin)}");
                }
            }

            yaml.AppendLine("auth_service:\n  enabled: off\nproxy_service:\n  enabled: off\nssh_service:\n  enabled: off");
            yaml.AppendLine("app_service:\n  enabled: true\n  apps:");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  - name: {Quote(parse.GetValue(name)!)}");
            yaml.AppendLine(CultureInfo.InvariantCulture, $"    uri: {Quote(parse.GetValue(uri)!)}");
            if (parse.GetValue(publicAddr) is { } addr)
            {
                yaml.AppendLine(CultureInfo.InvariantCulture, $"    public_addr: {Quote(addr)}");
            }

            if (parse.GetValue(labels) is { Length: > 0 } labelText)
            {
                yaml.AppendLine("    labels:");
                foreach (var pair in labelText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var equals = pair.IndexOf('=', StringComparison.Ordinal);
                    if (equals <= 0)
                    {
                        throw FerryException.BadParameter($"--labels entry \"{pair}\" is not key=value");
                    }

                    yaml.AppendLine(CultureInfo.InvariantCulture, $"      {Quote(pair[..equals])}: {Quote(pair[(equals + 1)..])}");
                }
            }

            var config = FileConfig.Parse(yaml.ToString(), "teleport app start flags");
            return await StartCommand.RunAsync(config, parse.GetValue(insecure), console, ct);
        });
        return new Command("app", "App agent commands") { start };
    }

    /// <summary>YAML single-quoted scalar: values from flags never change the document's structure.</summary>
    private static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}

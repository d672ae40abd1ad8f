using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Client.Http;
using Ferry.Client.Login;
using Ferry.Client.Profiles;
using Ferry.Config;
using Ferry.Core.Errors;
using Ferry.Core.Identity;

namespace Ferry.Tctl;

/// <summary>
/// How tctl reaches the cluster. On the auth host (a teleport.yaml with auth_service enabled) it uses the
/// admin identity the auth server keeps in data_dir and talks to the auth API directly, with full privileges.
/// Anywhere else it uses the current tsh login and goes through the proxy, with the user's own roles.
/// </summary>
internal sealed class TctlContext
{
    public const string DefaultConfigPath = "/etc/teleport.yaml";

    private readonly GlobalOptions _globals;

    public TctlContext(GlobalOptions globals, CliConsole console)
    {
        _globals = globals;
        Console = console;
    }

    public CliConsole Console { get; }

    public AuthClient Connect(ParseResult parse)
    {
        var explicitConfig = parse.GetValue(_globals.Config) ?? Environment.GetEnvironmentVariable("TELEPORT_CONFIG_FILE");
        var configPath = explicitConfig ?? DefaultConfigPath;
        if (explicitConfig is not null && !File.Exists(explicitConfig))
        {
            throw FerryException.NotFound($"config file {explicitConfig} does not exist; pass the teleport.yaml of the auth server with -c");
        }

        if (File.Exists(configPath))
        {
            var config = FileConfig.Load(configPath);
            if (config.Auth.Enabled)
            {
                return ConnectLocal(config, configPath, parse.GetValue(_globals.AuthServer));
            }

            if (explicitConfig is not null)
            {
                throw FerryException.BadParameter($"{configPath} does not enable auth_service; run tctl on the auth host, or log in with tsh and run tctl without -c");
            }
        }

        if (parse.GetValue(_globals.AuthServer) is not null)
        {
            throw FerryException.BadParameter("--auth-server needs the auth host's teleport.yaml (-c): it picks which auth server tctl's admin identity talks to; a tsh login always goes through its proxy");
        }

        var store = ProfileStore.Default();
        var profile = store.Current()
            ?? throw FerryException.AccessDenied(
                "tctl cannot find a cluster: run it on the auth server host (tctl -c /path/to/teleport.yaml), or log in first with: tsh login --proxy=HOST:PORT --user=NAME");
        return LoginFlow.AuthClientFor(store, profile, parse.GetValue(_globals.Insecure));
    }

    private static AuthClient ConnectLocal(FileConfig config, string configPath, string? authServer)
    {
        var identityPath = AdminIdentity.PathIn(config.Teleport.DataDir);
        if (!File.Exists(identityPath))
        {
            throw FerryException.NotFound(
                $"no admin identity at {identityPath}; start the auth server first (teleport start -c {configPath}) and run tctl as the same user");
        }

        var identity = IdentityFile.Load(identityPath);
        // Every auth server of a cluster trusts the admin identity (one host CA in the shared backend), so any of
        // them, or a load balancer in front of them, serves it.
        var target = config.Auth.ListenAddr.ToString();
        if (authServer is not null)
        {
            if (!HostPort.TryParse(authServer, ConfigDefaults.AuthPort, out var parsed, out var error) || parsed.Host.Length == 0)
            {
                var problem = parsed is null ? error : "a host is required";
                throw FerryException.BadParameter($"--auth-server \"{authServer}\": {problem}; write host:port, e.g. auth.example.com:{ConfigDefaults.AuthPort}");
            }

            target = parsed.ToString();
        }

        var address = AdminIdentity.DialAddress(target);
        var http = FerryHttp.CreateClient(new Uri($"https://{address}/v1/"), ServerTrust.ForAuth(identity.HostCa()), identity.Certificate);
        return new AuthClient(new ApiCaller(http, $"the auth server at {address}"));
    }
}

using Ferry.Core.Yaml;

namespace Ferry.Config.Parsing;

/// <summary>
/// Walks teleport.yaml once, section by section, collecting every problem; then runs the cross-field checks and
/// throws a single error listing them all. Only v3 is read (Teleport 12+ writes v3 by default).
/// </summary>
internal static class FileConfigReader
{
    /// <summary>Teleport services Ferry does not provide: accepted only when disabled, their other keys ignored.</summary>
    private static readonly string[] ForeignServices =
    [
        "ssh_service", "db_service", "kubernetes_service", "windows_desktop_service", "discovery_service",
        "jamf_service", "okta_service", "tracing_service", "debug_service",
    ];

    public static FileConfig Read(string yaml, string? fileName, ConfigParseOptions options)
    {
        var diagnostics = new YamlDiagnostics(fileName);
        var roots = YamlDocuments.Load(yaml, diagnostics);
        if (roots.Count > 1)
        {
            diagnostics.Report(roots[1], "", "the config file holds more than one YAML document", "keep one document (remove the extra ---)");
        }
        if (roots.Count == 0 && !diagnostics.HasProblems)
        {
            diagnostics.Report(YamlDotNet.Core.Mark.Empty, "", "the config file is empty", "start from the output of `teleport configure`");
        }
        var root = YamlMap.From(roots.Count > 0 ? roots[0] : null, "", diagnostics);
        if (root is null || diagnostics.HasProblems)
        {
            diagnostics.ThrowIfAny("config file");
        }

        var version = root!.String("version");
        if (version is null)
        {
            diagnostics.Report(root.Node?.Start ?? YamlDotNet.Core.Mark.Empty, "version", "missing required key", "add \"version: v3\" at the top of the file");
        }
        else if (version != ConfigDefaults.Version)
        {
            root.Report("version", $"config version \"{version}\" is not supported", "Ferry reads version v3; set version: v3 and use v3 key names (see docs/config-reference.md)");
        }

        var teleport = TeleportSectionReader.Read(root.Map("teleport"), options);
        var auth = ServiceSectionReader.ReadAuth(root.Map("auth_service"), teleport.NodeName);
        var proxy = ServiceSectionReader.ReadProxy(root.Map("proxy_service"), options);
        var apps = AppsSectionReader.Read(root.Map("app_service"));
        foreach (var service in ForeignServices)
        {
            ReadForeignService(root, service);
        }
        root.Finish();

        var config = new FileConfig { Teleport = teleport, Auth = auth, Proxy = proxy, Apps = apps };
        if (!diagnostics.HasProblems)
        {
            CrossCheck(root, config);
        }
        diagnostics.ThrowIfAny("config file");
        return config;
    }

    private static void ReadForeignService(YamlMap root, string service)
    {
        var map = root.Map(service);
        if (map is null)
        {
            return;
        }
        // Unlike Teleport, an absent or empty section means off: there is nothing here to turn on.
        if (map.Bool("enabled") == true)
        {
            var what = service == "ssh_service" ? "SSH access" : service.Replace("_service", " access", StringComparison.Ordinal);
            map.Report("enabled", $"Ferry does not provide {what}", $"set {service}.enabled: off or remove the {service} section");
        }
        map.Ignore([.. map.Keys]);
        map.Finish();
    }

    private static void CrossCheck(YamlMap root, FileConfig config)
    {
        var teleport = root.Map("teleport")!;
        if (!config.Auth.Enabled && !config.Proxy.Enabled && !config.Apps.Enabled)
        {
            root.Diagnostics.Report(root.Node?.Start ?? YamlDotNet.Core.Mark.Empty, "", "no service is enabled",
                "enable at least one of auth_service, proxy_service or app_service (enabled: yes)");
        }
        if (config.Teleport.ProxyServer is not null && config.Teleport.AuthServer is not null)
        {
            teleport.Report("auth_server", "set only one of teleport.proxy_server and teleport.auth_server",
                "agents join through proxy_server (e.g. teleport.example.com:443); remove auth_server");
        }
        if (config.Apps.Enabled && !config.Auth.Enabled && config.Teleport.ProxyServer is null && config.Teleport.AuthServer is null)
        {
            teleport.Report("proxy_server", "app_service without auth_service must know where the cluster is",
                "set teleport.proxy_server to the proxy's public address, e.g. teleport.example.com:443");
        }
        if (config.Proxy.Enabled && !config.Auth.Enabled && config.Teleport.AuthServer is null)
        {
            teleport.Report("auth_server", "proxy_service without auth_service needs the auth server's address",
                "set teleport.auth_server, e.g. auth.example.com:3025");
        }
    }
}

using Ferry.Core.Resources.Codec;
using Ferry.Core.Yaml;

namespace Ferry.Config.Parsing;

/// <summary>
/// Reads <c>auth_service:</c> and <c>proxy_service:</c>. As in Teleport both are enabled unless they say
/// <c>enabled: off</c>, even when the section is absent; app_service must be enabled explicitly.
/// </summary>
internal static class ServiceSectionReader
{
    public static AuthServiceConfig ReadAuth(YamlMap? map, string nodeName)
    {
        if (map is null)
        {
            return new AuthServiceConfig { Enabled = false, ClusterName = nodeName };
        }
        var clusterName = map.String("cluster_name") ?? nodeName;
        if (clusterName.Length == 0 || clusterName.Any(c => char.IsWhiteSpace(c) || c == '/'))
        {
            map.Report("cluster_name", $"invalid cluster name \"{clusterName}\"", "use a DNS-like name such as teleport.example.com");
        }
        var config = new AuthServiceConfig
        {
            Enabled = map.Bool("enabled") ?? true,
            ListenAddr = ConfigValues.Address(map, "listen_addr", ConfigDefaults.AuthPort, listen: true) ?? new HostPort("0.0.0.0", ConfigDefaults.AuthPort),
            ClusterName = clusterName,
            Authentication = ReadAuthentication(map.Map("authentication")),
            ProxyListenerMode = ConfigValues.OneOf(map, "proxy_listener_mode", "", "separate", "multiplex") is { Length: > 0 } mode ? mode : null,
            AppPublicAddrs = ReadAppPublicAddrs(map),
            PublicAddrs = ReadPublicAddrs(map, ConfigDefaults.AuthPort),
        };
        map.Finish();
        return config;
    }

    /// <summary><c>public_addr</c>: one address or a list, each host[:port] with the service's default port.</summary>
    private static IReadOnlyList<HostPort> ReadPublicAddrs(YamlMap map, int defaultPort)
    {
        var publicAddrs = new List<HostPort>();
        var rawPublic = map.StringList("public_addr", allowSingle: true) ?? [];
        for (var i = 0; i < rawPublic.Count; i++)
        {
            var path = rawPublic.Count == 1 && map.Get("public_addr") is YamlDotNet.RepresentationModel.YamlScalarNode
                ? map.PathOf("public_addr") : YamlPath.Index(map.PathOf("public_addr"), i);
            if (ConfigValues.ParseAddress(map, "public_addr", rawPublic[i], defaultPort, listen: false, path) is { } addr)
            {
                publicAddrs.Add(addr);
            }
        }

        return publicAddrs;
    }

    /// <summary>Host names or globs such as *.apps.example.com; a port or scheme is a mistake worth naming.</summary>
    private static IReadOnlyList<string> ReadAppPublicAddrs(YamlMap map)
    {
        var patterns = map.StringList("app_public_addrs", allowSingle: true) ?? [];
        foreach (var pattern in patterns)
        {
            if (pattern.Length == 0 || pattern.Contains(':') || pattern.Contains('/') || pattern.Any(char.IsWhiteSpace))
            {
                map.Report("app_public_addrs", $"\"{pattern}\" is not a host name or host pattern", "write host names or globs without scheme or port, e.g. *.apps.example.com");
            }
        }

        return patterns;
    }

    private static AuthenticationConfig ReadAuthentication(YamlMap? map)
    {
        if (map is null)
        {
            return new AuthenticationConfig();
        }
        var type = ConfigValues.OneOf(map, "type", AuthenticationConfig.Local, [.. AuthenticationConfig.Types]) ?? AuthenticationConfig.Local;
        var connectorName = map.String("connector_name");
        if (type != AuthenticationConfig.Local && string.IsNullOrEmpty(connectorName))
        {
            map.Report("connector_name", $"type {type} needs connector_name", $"name the {type} connector users log in through, e.g. connector_name: {type}");
        }
        else if (type == AuthenticationConfig.Local && connectorName is not null)
        {
            map.Report("connector_name", "connector_name applies to type github, oidc or saml", "remove connector_name, or set the type of its connector");
        }
        else if (!string.IsNullOrEmpty(connectorName) && ResourceNames.CheckConnectorName(connectorName) is { } nameError)
        {
            map.Report("connector_name", nameError.Message, nameError.Hint);
        }
        var secondFactor = map.String("second_factor") ?? ConfigDefaults.SecondFactor;
        // YAML 1.1 turns a bare `off` into a boolean, which Teleport reads back as "off"; accept both spellings.
        if (YamlScalars.TryParseBool(secondFactor, out var on) && !on)
        {
            secondFactor = "off";
        }
        secondFactor = secondFactor.ToLowerInvariant();
        if (secondFactor is "on" or "optional" or "webauthn" or "true" or "yes")
        {
            ConfigValues.NotSupported(map, "second_factor", $"second_factor \"{secondFactor}\"", "use second_factor: otp (TOTP apps) or off");
        }
        else if (secondFactor is not ("off" or "otp"))
        {
            map.Report("second_factor", $"unsupported value \"{secondFactor}\"", Suggestions.Hint(secondFactor, ["off", "otp"], "use one of"));
        }
        if (map.Has("webauthn"))
        {
            ConfigValues.NotSupported(map, "webauthn", "WebAuthn", "remove the webauthn block and use second_factor: otp");
        }
        var config = new AuthenticationConfig { Type = type, ConnectorName = connectorName, SecondFactor = secondFactor };
        map.Finish();
        return config;
    }

    public static ProxyServiceConfig ReadProxy(YamlMap? map, ConfigParseOptions options)
    {
        if (map is null)
        {
            return new ProxyServiceConfig { Enabled = false };
        }
        var publicAddrs = ReadPublicAddrs(map, ConfigDefaults.WebPort);
        var keyPairs = new List<KeyPairConfig>();
        var fileExists = options.FileExists ?? File.Exists;
        foreach (var (node, path) in map.List("https_keypairs") ?? [])
        {
            if (YamlMap.From(node, path, map.Diagnostics) is not { } pair)
            {
                continue;
            }
            var key = pair.String("key_file", required: true);
            var cert = pair.String("cert_file", required: true);
            foreach (var (name, file) in new[] { ("key_file", key), ("cert_file", cert) })
            {
                if (!string.IsNullOrEmpty(file) && !fileExists(file))
                {
                    pair.Report(name, $"file \"{file}\" does not exist", "point it at an existing PEM file, or remove https_keypairs to use a self-signed certificate");
                }
            }
            pair.Finish();
            if (key is not null && cert is not null)
            {
                keyPairs.Add(new KeyPairConfig(key, cert));
            }
        }
        if (map.Map("acme") is { } acme)
        {
            if (acme.Bool("enabled") == true)
            {
                ConfigValues.NotSupported(acme, "enabled", "ACME (Let's Encrypt)", "set acme.enabled: no and configure https_keypairs");
            }
            acme.Ignore("email", "uri");
            acme.Finish();
        }
        // Teleport's separate SSH/tunnel listeners: Ferry serves everything on the web port, so these are not used.
        map.Ignore("listen_addr", "tunnel_listen_addr", "ssh_public_addr", "tunnel_public_addr");
        var config = new ProxyServiceConfig
        {
            Enabled = map.Bool("enabled") ?? true,
            WebListenAddr = ConfigValues.Address(map, "web_listen_addr", ConfigDefaults.WebPort, listen: true) ?? new HostPort("0.0.0.0", ConfigDefaults.WebPort),
            PublicAddrs = publicAddrs,
            HttpsKeyPairs = keyPairs,
            HttpsKeyPairsReloadInterval = map.Duration("https_keypairs_reload_interval") ?? TimeSpan.Zero,
        };
        map.Finish();
        return config;
    }
}

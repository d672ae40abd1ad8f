using Ferry.Core.Apps;
using Ferry.Core.Yaml;

namespace Ferry.Config.Parsing;

/// <summary>Reads <c>app_service:</c> and its <c>apps</c> list (docs/aws-access.md §6.1).</summary>
internal static class AppsSectionReader
{
    public static AppServiceConfig Read(YamlMap? map)
    {
        if (map is null)
        {
            return new AppServiceConfig();
        }
        var enabled = map.Bool("enabled");
        var apps = new List<AppConfig>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (node, path) in map.List("apps") ?? [])
        {
            if (YamlMap.From(node, path, map.Diagnostics) is not { } app)
            {
                continue;
            }
            var parsed = ReadApp(app);
            if (parsed is null)
            {
                continue;
            }
            if (!seen.Add(parsed.Name))
            {
                app.Report("name", $"duplicate app name \"{parsed.Name}\"", "each app needs its own name");
            }
            apps.Add(parsed);
        }
        if (enabled is null && apps.Count > 0)
        {
            map.Report("enabled", "app_service lists apps but is not enabled", "add enabled: yes under app_service");
        }
        map.Finish();
        return new AppServiceConfig { Enabled = enabled ?? false, Apps = apps };
    }

    private static AppConfig? ReadApp(YamlMap map)
    {
        var name = map.String("name", required: true);
        if (name is not null && !AppNaming.IsValidName(name))
        {
            map.Report("name", $"invalid app name \"{name}\"",
                "use a DNS label of lowercase letters, digits and '-', starting with a letter, at most 63 characters (e.g. \"aws-dynamodb\")");
        }
        var uri = map.String("uri", required: true);
        if (uri is not null && (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https" or "tcp")))
        {
            map.Report("uri", $"\"{uri}\" is not an absolute http(s) URL", "e.g. uri: https://console.aws.amazon.com/dynamodbv2/home");
        }
        var publicAddr = map.String("public_addr");
        if (publicAddr is not null && (publicAddr.Contains(':') || publicAddr.Contains('/') || System.Net.IPAddress.TryParse(publicAddr, out _) || publicAddr.Length == 0))
        {
            map.Report("public_addr", $"public_addr \"{publicAddr}\" must be a host name without port", "e.g. public_addr: aws-dynamodb.teleport.example.com");
        }
        var cloud = map.String("cloud");
        if (cloud is not null && !string.Equals(cloud, AwsConsole.CloudAws, StringComparison.OrdinalIgnoreCase))
        {
            map.Report("cloud", $"cloud \"{cloud}\" is not supported", "use cloud: AWS, or remove it");
        }
        AppAwsConfig? aws = null;
        if (map.Has("aws") && map.Map("aws") is { } awsMap)
        {
            aws = new AppAwsConfig { ExternalId = awsMap.String("external_id"), SourceIdentity = awsMap.Bool("source_identity") ?? false };
            awsMap.Finish();
        }
        foreach (var key in new[] { "commands", "rewrite", "integration", "required_apps", "cors", "tcp_ports", "mcp", "use_any_proxy_public_addr" })
        {
            if (map.Has(key))
            {
                ConfigValues.NotSupported(map, key, $"app {key}", $"remove {key} from this app");
            }
        }
        var config = new AppConfig
        {
            Name = name ?? "",
            Uri = uri ?? "",
            Description = map.String("description"),
            Labels = map.StringMap("labels") ?? new Dictionary<string, string>(),
            PublicAddr = publicAddr,
            InsecureSkipVerify = map.Bool("insecure_skip_verify") ?? false,
            Cloud = cloud is null ? null : AwsConsole.CloudAws,
            Aws = aws,
        };
        map.Finish();
        return name is null ? null : config;
    }
}

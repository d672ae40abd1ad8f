using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>Reads <c>kind: app</c> and <c>kind: app_server</c> as Ferry stores them (agents write these, not people).</summary>
internal static class AppReader
{
    public static App ReadApp(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.App, version, ["v3"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckAppName);
        var spec = map.Map("spec");
        var appSpec = new AppSpec();
        if (spec is not null)
        {
            var uri = spec.String("uri", required: true) ?? "";
            if (uri.Length > 0 && !Uri.TryCreate(uri, UriKind.Absolute, out _))
            {
                spec.Report("uri", $"\"{uri}\" is not an absolute URL", "e.g. https://console.aws.amazon.com/dynamodbv2/home");
            }
            AppAws? aws = null;
            if (spec.Has("aws") && spec.Map("aws") is { } awsMap)
            {
                aws = new AppAws { ExternalId = awsMap.String("external_id"), SourceIdentity = awsMap.Bool("source_identity") ?? false };
                awsMap.Finish();
            }
            else
            {
                spec.Ignore("aws");
            }
            appSpec = new AppSpec
            {
                Uri = uri,
                PublicAddr = spec.String("public_addr") ?? "",
                Cloud = spec.String("cloud"),
                Aws = aws,
                InsecureSkipVerify = spec.Bool("insecure_skip_verify") ?? false,
            };
            spec.Finish();
        }
        return new App { Version = version ?? "v3", Metadata = metadata, Spec = appSpec };
    }

    public static AppServer ReadAppServer(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.AppServer, version, ["v3"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckAppName);
        var spec = map.Map("spec");
        App? app = null;
        string hostname = "", hostId = "", agentVersion = "";
        if (spec is not null)
        {
            if (spec.Get("app") is { } appNode)
            {
                app = ResourceReader.Read(appNode, map.Diagnostics, [ResourceKinds.App], spec.PathOf("app")) as App;
            }
            else
            {
                spec.Report("app", "missing required key", "an app server embeds the app it serves");
            }
            hostname = spec.String("hostname") ?? "";
            hostId = spec.String("host_id") ?? "";
            agentVersion = spec.String("version") ?? "";
            spec.Finish();
        }
        return new AppServer
        {
            Version = version ?? "v3",
            Metadata = metadata,
            Spec = new AppServerSpec
            {
                Hostname = hostname,
                HostId = hostId,
                Version = agentVersion,
                App = app ?? new App { Metadata = new ResourceMetadata { Name = metadata.Name } },
            },
        };
    }
}

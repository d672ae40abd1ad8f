using Ferry.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Reads one resource document (YAML, or JSON turned into YAML nodes) strictly: dispatch on kind and version, every
/// field typed and validated, every problem reported into the caller's diagnostics.
/// </summary>
internal static class ResourceReader
{
    /// <summary>Kinds people create with <c>tctl create</c>.</summary>
    public static readonly IReadOnlyList<string> InputKinds =
        [ResourceKinds.Role, ResourceKinds.User, ResourceKinds.Token, ResourceKinds.Lock, ResourceKinds.Github, ResourceKinds.Oidc, ResourceKinds.Saml];

    /// <summary>Every kind Ferry stores (apps and app servers are written by agents, not by people).</summary>
    public static readonly IReadOnlyList<string> AllKinds = [.. InputKinds, ResourceKinds.App, ResourceKinds.AppServer];

    public static IResource? Read(YamlNode root, YamlDiagnostics diagnostics, IReadOnlyList<string> kinds, string path = "")
    {
        var map = YamlMap.From(root, path, diagnostics);
        if (map is null)
        {
            return null;
        }
        var kind = map.String("kind", required: true);
        var version = map.String("version", required: true);
        IResource? result = null;
        if (kind is not null && kinds.Contains(kind))
        {
            result = kind switch
            {
                ResourceKinds.Role => RoleReader.Read(map, version),
                ResourceKinds.User => UserReader.Read(map, version),
                ResourceKinds.Token => TokenReader.Read(map, version),
                ResourceKinds.Lock => LockReader.Read(map, version),
                ResourceKinds.Github => GithubConnectorReader.Read(map, version),
                ResourceKinds.Oidc => OidcConnectorReader.Read(map, version),
                ResourceKinds.Saml => SamlConnectorReader.Read(map, version),
                ResourceKinds.App => AppReader.ReadApp(map, version),
                _ => AppReader.ReadAppServer(map, version),
            };
        }
        else
        {
            if (kind is not null)
            {
                var closest = Suggestions.Closest(kind, kinds);
                var hint = (closest is null ? "" : $"did you mean \"{closest}\"? ") + $"supported kinds: {string.Join(", ", kinds)}";
                map.Report("kind", $"unknown resource kind \"{kind}\"", hint);
            }
            map.Ignore("metadata", "spec");
        }
        map.Finish();
        return result;
    }

    /// <summary>Reports an unsupported version; returns false so the caller can still read the rest for more problems.</summary>
    public static bool CheckVersion(YamlMap map, string kind, string? version, IReadOnlyList<string> supported)
    {
        if (version is null || supported.Contains(version))
        {
            return true;
        }
        var choices = supported.Count == 1 ? supported[0] : string.Join(", ", supported.Take(supported.Count - 1)) + " or " + supported[^1];
        map.Report("version", $"{kind} version \"{version}\" is not supported", $"use {choices}");
        return false;
    }

    /// <summary>Reads <c>metadata</c>; informational keys Teleport prints (id, namespace, revision) are accepted.</summary>
    public static ResourceMetadata ReadMetadata(YamlMap parent, Func<string, (string Message, string Hint)?> validateName)
    {
        var map = parent.Map("metadata");
        if (map is null)
        {
            return new ResourceMetadata { Name = "" };
        }
        if (!parent.Has("metadata"))
        {
            parent.Report("metadata", "missing required key", "add metadata: with a name: under it");
        }
        var name = map.String("name", required: parent.Has("metadata")) ?? "";
        if (name.Length > 0 && validateName(name) is { } error)
        {
            map.Report("name", error.Message, error.Hint);
        }
        var ns = map.String("namespace");
        if (ns is not null && ns != "default")
        {
            map.Report("namespace", $"namespace \"{ns}\" is not supported", "remove namespace or set it to \"default\"");
        }
        map.Ignore("id");
        var labels = map.StringMap("labels") ?? new Dictionary<string, string>();
        foreach (var key in labels.Keys.Where(k => k.Length == 0))
        {
            map.Report("labels", "label keys must not be empty");
        }
        var metadata = new ResourceMetadata
        {
            Name = name,
            Description = map.String("description"),
            Labels = labels,
            Expires = map.Time("expires"),
            Revision = map.String("revision"),
        };
        map.Finish();
        return metadata;
    }
}

using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Resource files as people write them (<c>tctl create -f</c>) and as <c>tctl get</c> prints them: Teleport's
/// snake_case shape <c>{kind, version, metadata, spec}</c> in YAML (several <c>---</c> documents) or JSON.
/// Parsing is strict: every unknown key, wrong type and invalid value in the whole file is reported at once.
/// </summary>
public static class ResourceCodec
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Kinds accepted by <see cref="ParseYaml"/>: role, user, token, lock and the connectors github, oidc, saml.</summary>
    public static IReadOnlyList<string> InputKinds => ResourceReader.InputKinds;

    /// <summary>
    /// Parses every non-empty document into one of the <see cref="InputKinds"/> (<see cref="Role"/>, <see cref="User"/>, ...).
    /// Throws one <see cref="Errors.FerryException"/> (BadParameter) listing all problems with file, line and key path.
    /// </summary>
    public static IReadOnlyList<IResource> ParseYaml(string text, string? fileName = null) =>
        Parse(text, fileName, ResourceReader.InputKinds);

    /// <summary>Like <see cref="ParseYaml"/> but also accepts the agent-written kinds app and app_server.</summary>
    public static IReadOnlyList<IResource> ParseYamlAnyKind(string text, string? fileName = null) =>
        Parse(text, fileName, ResourceReader.AllKinds);

    public static string ToYaml(IResource resource) => YamlWriter.Write(ResourceTree.Build(resource));

    /// <summary>Several resources as one YAML stream, separated by <c>---</c>.</summary>
    public static string ToYaml(IEnumerable<IResource> resources) => YamlWriter.Write(resources.Select(r => (JsonNode?)ResourceTree.Build(r)));

    /// <summary>The same shape as JSON, indented for people (<c>tctl get --format json</c>).</summary>
    public static string ToJson(IResource resource) => ResourceTree.Build(resource).ToJsonString(Indented);

    /// <summary>A JSON array of resources (what <c>tctl get --format json</c> prints for a collection).</summary>
    public static string ToJson(IEnumerable<IResource> resources) =>
        new JsonArray(resources.Select(r => (JsonNode?)ResourceTree.Build(r)).ToArray()).ToJsonString(Indented);

    /// <summary>The canonical tree, for callers that embed resources in larger JSON documents.</summary>
    public static JsonObject ToJsonNode(IResource resource) => ResourceTree.Build(resource);

    /// <summary>
    /// Checks a resource built in code (e.g. by <c>tctl users add</c>) with the same rules as a file, by reading back its
    /// canonical tree. Throws BadParameter listing every problem.
    /// </summary>
    public static void Validate(IResource resource)
    {
        var diagnostics = new YamlDiagnostics();
        Validate(resource, diagnostics);
        diagnostics.ThrowIfAny($"{resource.ResourceKind} \"{resource.Metadata.Name}\"");
    }

    /// <summary>The same checks, reported into <paramref name="diagnostics"/> beside the caller's own (nothing is thrown).</summary>
    public static void Validate(IResource resource, YamlDiagnostics diagnostics)
    {
        var tree = JsonSerializer.SerializeToElement(ResourceTree.Build(resource), JsonContextResources.Default.JsonObject);
        ResourceReader.Read(YamlJson.ToYamlNode(tree), diagnostics, ResourceReader.AllKinds);
    }

    private static IReadOnlyList<IResource> Parse(string text, string? fileName, IReadOnlyList<string> kinds)
    {
        var diagnostics = new YamlDiagnostics(fileName);
        var resources = new List<IResource>();
        foreach (var root in YamlDocuments.Load(text, diagnostics))
        {
            if (ResourceReader.Read(root, diagnostics, kinds) is { } resource)
            {
                resources.Add(resource);
            }
        }
        diagnostics.ThrowIfAny("resource file");
        return resources;
    }
}

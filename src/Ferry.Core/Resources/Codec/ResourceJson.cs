using System.Text;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Compact JSON for storage and the HTTP API: the same snake_case tree as <see cref="ResourceCodec"/>, read back through
/// the same strict reader, so what one version of Ferry stores the next reads exactly (round trip:
/// <c>Serialize(Deserialize(Serialize(x))) == Serialize(x)</c>).
/// </summary>
public static class ResourceJson
{
    public static string Serialize(IResource resource) => ResourceTree.Build(resource).ToJsonString();

    public static byte[] SerializeToUtf8Bytes(IResource resource) => Encoding.UTF8.GetBytes(Serialize(resource));

    /// <summary>Reads any resource kind (role, user, token, app, app_server) by its <c>kind</c> field.</summary>
    public static IResource Deserialize(ReadOnlySpan<byte> utf8Json)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw FerryException.BadParameter($"invalid resource JSON: {ex.Message}");
        }
        using (document)
        {
            var diagnostics = new YamlDiagnostics();
            IResource? resource;
            try
            {
                resource = ResourceReader.Read(YamlJson.ToYamlNode(document.RootElement), diagnostics, ResourceReader.AllKinds);
            }
            catch (JsonException ex)
            {
                throw FerryException.BadParameter($"invalid resource JSON: {ex.Message}");
            }
            diagnostics.ThrowIfAny("resource JSON");
            return resource ?? throw FerryException.BadParameter("invalid resource JSON: no resource");
        }
    }

    public static IResource Deserialize(string json) => Deserialize(Encoding.UTF8.GetBytes(json));

    /// <summary>Reads a resource that must be of type <typeparamref name="T"/>; another kind is a BadParameter error.</summary>
    public static T Deserialize<T>(ReadOnlySpan<byte> utf8Json) where T : IResource
    {
        var resource = Deserialize(utf8Json);
        return resource is T typed
            ? typed
            : throw FerryException.BadParameter($"expected a {typeof(T).Name} resource, got kind \"{resource.ResourceKind}\"");
    }

    public static T Deserialize<T>(string json) where T : IResource => Deserialize<T>(Encoding.UTF8.GetBytes(json));
}

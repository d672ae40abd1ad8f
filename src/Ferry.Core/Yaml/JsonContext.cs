using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ferry.Core.Yaml;

/// <summary>Source-generated metadata so JSON node conversions need no reflection.</summary>
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(System.Text.Json.JsonElement))]
internal sealed partial class JsonContext : JsonSerializerContext;

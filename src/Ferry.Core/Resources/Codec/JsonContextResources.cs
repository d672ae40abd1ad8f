using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Ferry.Core.Resources.Codec;

/// <summary>Source-generated metadata for the JSON node types the codec serialises.</summary>
[JsonSerializable(typeof(JsonObject))]
[JsonSerializable(typeof(JsonNode))]
internal sealed partial class JsonContextResources : JsonSerializerContext;

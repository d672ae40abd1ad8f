using System.Text.Json.Serialization;

namespace Ferry.Client.Profiles;

/// <summary>The profile's JSON files, source-generated (tsh is a native executable), in the API's naming.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AppLogin))]
internal sealed partial class ProfileJsonContext : JsonSerializerContext;

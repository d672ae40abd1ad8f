using System.Text.Json.Serialization;
using Ferry.Tsh.Commands;

namespace Ferry.Tsh;

/// <summary>What tsh prints as JSON, source-generated (tsh is a native executable): indented, snake_case, nulls kept.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusCommand.StatusDocument))]
[JsonSerializable(typeof(AppsCommand.AppConfig))]
internal sealed partial class TshJsonContext : JsonSerializerContext;

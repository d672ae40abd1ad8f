using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Auth.Storage;

/// <summary>JSON for the auth server's own records (credentials, sessions, signup tokens): snake_case, no nulls.</summary>
internal static class StoredJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, Options);

    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes) =>
        JsonSerializer.Deserialize<T>(bytes.Span, Options) ?? throw new JsonException($"stored {typeof(T).Name} is empty");
}

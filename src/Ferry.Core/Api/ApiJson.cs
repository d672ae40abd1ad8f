using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ferry.Core.Api;

/// <summary>JSON settings of the HTTP API between tsh/tctl, the proxy, agents and auth: snake_case, nulls omitted.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = Create();

    /// <summary>The metadata of <typeparamref name="T"/> under <see cref="Options"/>: serialises without reflection when T is in <see cref="ApiJsonContext"/>.</summary>
    public static JsonTypeInfo<T> TypeInfo<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = JsonResolvers.ReflectionOnlyWhereEnabled)]
    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            TypeInfoResolver = JsonResolvers.WithReflectionFallback(ApiJsonContext.Default),
        };
        if (JsonSerializer.IsReflectionEnabledByDefault)
        {
            // Enums as snake_case names for whatever a server sends; no contract tsh reads holds an enum.
            options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        }

        return options;
    }
}

/// <summary>The body of every error answer: {"error": {"kind": "not_found", "message": "..."}}.</summary>
public sealed record ApiErrorBody(ApiError Error);

public sealed record ApiError(string Kind, string Message);

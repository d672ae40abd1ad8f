using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Core.Api;

/// <summary>JSON settings of the HTTP API between tsh/tctl, the proxy, agents and auth: snake_case, nulls omitted.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}

/// <summary>The body of every error answer: {"error": {"kind": "not_found", "message": "..."}}.</summary>
public sealed record ApiErrorBody(ApiError Error);

public sealed record ApiError(string Kind, string Message);

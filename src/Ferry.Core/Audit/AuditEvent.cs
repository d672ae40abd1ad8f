using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ferry.Core.Audit;

/// <summary>
/// A typed audit record: what happened (<see cref="Type"/> and its stable <see cref="Code"/>), when, who did it,
/// and whether it worked. Feature-specific fields (app name, AWS role, status code, ...) sit beside the common
/// ones in <see cref="Fields"/> and are written flat, so the JSON looks like Teleport's events.
/// Audit is not logging: events are stored in the audit store (Ferry.Storage.Audit) and listed by `tctl audit ls`.
/// </summary>
public sealed record AuditEvent
{
    [JsonPropertyName("event")]
    public required string Type { get; init; }

    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    [JsonPropertyName("uid")]
    public required string Id { get; init; }

    [JsonPropertyName("cluster_name")]
    public string? ClusterName { get; init; }

    /// <summary>The actor: a user name, or a host id for agents.</summary>
    [JsonPropertyName("user")]
    public string? User { get; init; }

    [JsonPropertyName("success")]
    public bool Success { get; init; } = true;

    /// <summary>Why it failed, in words safe to show an auditor (never a secret).</summary>
    [JsonPropertyName("error")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>
    /// Feature fields. Values set in code stay plain objects until the event is serialised (so building an event on a
    /// request path costs no JSON work); values read back from JSON are <see cref="JsonElement"/>s.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, object> Fields { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Adds a feature field (skipped when null) and returns the same event, for fluent building.</summary>
    public AuditEvent Set(string name, object? value)
    {
        if (value is not null)
        {
            Fields[name] = value;
        }

        return this;
    }

    public string? GetField(string name) => Fields.TryGetValue(name, out var value) ? value switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
        _ => null,
    } : null;

    /// <summary>A field as a person reads it: strings as they are, anything else as compact JSON.</summary>
    public string FieldText(string name) => Fields.TryGetValue(name, out var value) ? value switch
    {
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(value, AuditEventJson.Options.GetTypeInfo(value.GetType())),
    } : "";
}

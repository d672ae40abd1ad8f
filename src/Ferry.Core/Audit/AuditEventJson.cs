using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Ferry.Core.Api;

namespace Ferry.Core.Audit;

/// <summary>
/// How batches of audit events travel to auth (the events' own property names, default settings otherwise). By
/// reflection, on the servers only: the source generator cannot bind an init-only extension-data property
/// (<see cref="AuditEvent.Fields"/>), and field values are whatever the emitter set. tsh never sends events.
/// </summary>
public static class AuditEventJson
{
    public static readonly JsonSerializerOptions Options = new() { TypeInfoResolver = JsonResolvers.WithReflectionFallback(JsonTypeInfoResolver.Combine()) };

    public static JsonTypeInfo<IReadOnlyList<AuditEvent>> Batch => (JsonTypeInfo<IReadOnlyList<AuditEvent>>)Options.GetTypeInfo(typeof(IReadOnlyList<AuditEvent>));
}

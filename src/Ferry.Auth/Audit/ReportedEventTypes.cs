using System.Collections.Frozen;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Audit;

/// <summary>
/// The event types each cluster component may report (POST /v1/events): what it observes on its own request path and
/// nothing more, so a compromised agent or proxy cannot write user.login, role.created or lock.created into the log.
/// The one place to change when a component starts emitting a new type.
/// </summary>
internal static class ReportedEventTypes
{
    private static readonly FrozenDictionary<string, FrozenSet<string>> BySystemRole = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal)
    {
        // Ferry.AppService: one event per app request it handled (AgentRequestHandler), the console sign-in included.
        [SystemRoles.App] = Set(EventTypes.AppSessionRequest, EventTypes.AppSessionDynamoDbRequest),

        // Ferry.Proxy: one event per app request it refused or could not deliver (AppRequestForwarder).
        [SystemRoles.Proxy] = Set(EventTypes.AppSessionRequest, EventTypes.AppSessionDynamoDbRequest),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Refuses <paramref name="type"/> unless one of the reporter's system roles may report it.</summary>
    /// <exception cref="FerryException">AccessDenied naming the type and the role.</exception>
    public static void Check(IReadOnlyCollection<string> systemRoles, string type)
    {
        var allowed = systemRoles.Where(BySystemRole.ContainsKey).SelectMany(role => BySystemRole[role]).ToHashSet(StringComparer.Ordinal);
        if (allowed.Contains(type))
        {
            return;
        }

        var role = systemRoles.Count == 0 ? "this identity" : string.Join("/", systemRoles);
        var may = allowed.Count == 0 ? "no event types" : string.Join(", ", allowed.Order(StringComparer.Ordinal));
        throw FerryException.AccessDenied(
            $"a {role} component may not report {type} events (it may report {may}); nothing of this batch was stored");
    }

    private static FrozenSet<string> Set(params string[] types) => types.ToFrozenSet(StringComparer.Ordinal);
}

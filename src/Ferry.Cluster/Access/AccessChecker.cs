using System.Collections.Concurrent;
using Ferry.Cluster.Caching;
using Ferry.Core.Identity;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;

namespace Ferry.Cluster.Access;

/// <summary>
/// Authorisation of every app request (docs/aws-access.md §4), at the proxy and again at the agent, from roles kept in a
/// watch-fed cache. A decision is remembered per app session until any role changes, so the hot path does
/// not expand templates or match labels again for each request of the same session.
/// </summary>
public sealed class AccessChecker
{
    private const int MaxEntries = 10_000;

    private readonly WatchCache<Role> _roles;
    private readonly ConcurrentDictionary<string, (long Version, AccessDecision Decision)> _decisions = new(StringComparer.Ordinal);

    public AccessChecker(WatchCache<Role> roles)
    {
        _roles = roles;
    }

    public AccessDecision Check(FerryIdentity identity, App app)
    {
        var route = identity.RouteToApp!;
        var version = _roles.Version;
        var key = route.SessionId + "\n" + app.Name;
        if (_decisions.TryGetValue(key, out var cached) && cached.Version == version)
        {
            return cached.Decision;
        }

        var roles = identity.Roles.Select(name => _roles.Get("/roles/" + name)).Where(r => r is not null).Select(r => r!).ToList();
        var roleSet = new RoleSet(roles, identity.Traits);
        var decision = route.AwsRoleArn is { } arn
            ? roleSet.CheckAppAccess(app, arn)
            : roleSet.CanSeeApp(app) ? new AccessDecision(true, "labels match") : new AccessDecision(false, "no role matches the app's labels");
        if (_decisions.Count >= MaxEntries)
        {
            _decisions.Clear();
        }

        _decisions[key] = (version, decision);
        return decision;
    }
}

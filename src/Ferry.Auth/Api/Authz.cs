using Ferry.Core.Rbac;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

/// <summary>
/// Per-call authorisation. Hosts act by system role (the local Admin identity may do anything); users act by
/// the rules of their roles as currently defined, deny rules first. App certificates (bound to one app session)
/// are refused for administration: they exist to reach an app, nothing else.
/// </summary>
public sealed class Authz
{
    private readonly AuthServer _server;

    public Authz(AuthServer server)
    {
        _server = server;
    }

    public async ValueTask RequireRuleAsync(Caller caller, string kind, string verb, CancellationToken cancellationToken)
    {
        var identity = caller.Identity;
        if (identity.HasSystemRole(SystemRoles.Admin))
        {
            return;
        }

        if (identity.IsHost || identity.RouteToApp is not null)
        {
            throw Denied(kind, verb);
        }

        var roleSet = await _server.Roles.RoleSetAsync(identity.Roles, identity.Traits, cancellationToken);
        if (!roleSet.CheckAccessToRule(kind, verb))
        {
            throw Denied(kind, verb);
        }
    }

    /// <summary>Creating needs "create"; overwriting with --force needs "update" as well.</summary>
    public async ValueTask RequireCreateAsync(Caller caller, string kind, bool force, CancellationToken cancellationToken)
    {
        await RequireRuleAsync(caller, kind, Verbs.Create, cancellationToken);
        if (force)
        {
            await RequireRuleAsync(caller, kind, Verbs.Update, cancellationToken);
        }
    }

    public static void RequireSystemRole(Caller caller, params string[] roles)
    {
        if (!roles.Any(caller.Identity.HasSystemRole))
        {
            throw FerryException.AccessDenied($"this call is reserved for cluster components ({string.Join(", ", roles)})");
        }
    }

    public static void RequireUser(Caller caller)
    {
        if (caller.Identity.IsHost)
        {
            throw FerryException.AccessDenied("this call is for users; log in with tsh login");
        }
    }

    private static FerryException Denied(string kind, string verb) =>
        FerryException.AccessDenied($"access denied to perform action \"{verb}\" on \"{kind}\"; ask an administrator for a role that allows it (e.g. editor)");
}

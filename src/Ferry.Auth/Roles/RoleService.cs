using Ferry.Auth.Audit;
using Ferry.Auth.Storage;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;

namespace Ferry.Auth.Roles;

/// <summary>Roles: CRUD with audit, the built-in roles of a new cluster, and role sets for decisions.</summary>
public sealed class RoleService
{
    private readonly ResourceStore<Role> _store;
    private readonly ResourceStore<User> _users;
    private readonly AuditLog _audit;

    public RoleService(ResourceStore<Role> store, ResourceStore<User> users, AuditLog audit)
    {
        _store = store;
        _users = users;
        _audit = audit;
    }

    /// <summary>Creates access, editor and auditor when absent; existing (possibly edited) ones are kept.</summary>
    public async ValueTask EnsureBuiltinsAsync(CancellationToken cancellationToken)
    {
        foreach (var role in BuiltinRoles.All)
        {
            if (await _store.GetAsync(role.Name, cancellationToken) is null)
            {
                try
                {
                    await _store.CreateAsync(role, cancellationToken);
                }
                catch (FerryException e) when (e.Kind == ErrorKind.AlreadyExists)
                {
                    // Another auth server created it first.
                }
            }
        }
    }

    public ValueTask<IReadOnlyList<Role>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    public ValueTask<Role> GetAsync(string name, CancellationToken cancellationToken) => _store.RequireAsync(name, cancellationToken);

    public async ValueTask<Role> CreateAsync(Role role, bool force, string actor, CancellationToken cancellationToken)
    {
        var existed = force && await _store.GetAsync(role.Name, cancellationToken) is not null;
        var stored = force ? await _store.UpsertAsync(role, cancellationToken) : await _store.CreateAsync(role, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(existed ? EventTypes.RoleUpdate : EventTypes.RoleCreate, actor).Set("name", role.Name), cancellationToken);
        return stored;
    }

    public async ValueTask DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await _store.RequireAsync(name, cancellationToken);
        var holders = (await _users.ListAsync(cancellationToken))
            .Where(u => u.Spec.Roles.Contains(name, StringComparer.Ordinal))
            .Select(u => u.Name)
            .ToList();
        if (holders.Count > 0)
        {
            throw FerryException.BadParameter(
                $"role \"{name}\" is assigned to {string.Join(", ", holders)}; remove it from them first (tctl users update NAME --set-roles=...)");
        }

        await _store.DeleteAsync(name, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.RoleDelete, actor).Set("name", name), cancellationToken);
    }

    /// <summary>Checks that every named role exists, naming the missing ones and the ones to pick from.</summary>
    public async ValueTask RequireExistAsync(IEnumerable<string> names, CancellationToken cancellationToken)
    {
        var all = await _store.ListAsync(cancellationToken);
        var known = all.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        var missing = names.Where(n => !known.Contains(n)).ToList();
        if (missing.Count > 0)
        {
            throw FerryException.BadParameter(
                $"role{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"\"{m}\""))} do{(missing.Count > 1 ? "" : "es")} not exist; " +
                $"create {(missing.Count > 1 ? "them" : "it")} first with tctl create, or pick from: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        }
    }

    /// <summary>The role set of a caller: current definitions of the named roles (unknown names are ignored) with the caller's traits.</summary>
    public async ValueTask<RoleSet> RoleSetAsync(IReadOnlyList<string> roleNames, IReadOnlyDictionary<string, IReadOnlyList<string>> traits, CancellationToken cancellationToken)
    {
        var roles = new List<Role>(roleNames.Count);
        foreach (var name in roleNames)
        {
            if (await _store.GetAsync(name, cancellationToken) is { } role)
            {
                roles.Add(role);
            }
        }

        return new RoleSet(roles, traits);
    }
}

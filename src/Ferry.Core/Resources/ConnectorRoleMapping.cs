namespace Ferry.Core.Resources;

/// <summary>
/// The roles one mapping of a connector grants, and where it sits (<c>claims_to_roles[1]</c>) so a problem can name it.
/// A role written with <c>$1</c> is filled in from the matched value at login; only the others can be checked up front.
/// </summary>
public sealed record ConnectorRoleMapping(string Place, IReadOnlyList<string> Roles)
{
    /// <summary>The roles named literally, without <c>$N</c> expansions.</summary>
    public IEnumerable<string> FixedRoles => Roles.Where(r => !r.Contains('$', StringComparison.Ordinal));
}

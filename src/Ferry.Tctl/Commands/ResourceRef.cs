using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Tctl.Commands;

/// <summary>A KIND[/NAME] argument as tctl get and tctl rm take it: roles, role/x, users/alice, tokens, github/github, ...</summary>
internal sealed record ResourceRef(string Kind, string? Name)
{
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["role"] = ResourceKinds.Role,
        ["roles"] = ResourceKinds.Role,
        ["user"] = ResourceKinds.User,
        ["users"] = ResourceKinds.User,
        ["token"] = ResourceKinds.Token,
        ["tokens"] = ResourceKinds.Token,
        ["lock"] = ResourceKinds.Lock,
        ["locks"] = ResourceKinds.Lock,

        // Connectors take Teleport's names: tctl get github (all), github/github, saml/mysaml, oidc/myoidc.
        ["github"] = ResourceKinds.Github,
        ["oidc"] = ResourceKinds.Oidc,
        ["saml"] = ResourceKinds.Saml,
    };

    public static ResourceRef Parse(string value)
    {
        var slash = value.IndexOf('/');
        var kind = slash < 0 ? value : value[..slash];
        var name = slash < 0 ? null : value[(slash + 1)..];
        if (!Aliases.TryGetValue(kind, out var canonical))
        {
            throw FerryException.BadParameter($"unknown resource kind \"{kind}\"; use one of: roles, users, tokens, locks, github, oidc, saml (e.g. tctl get role/access)");
        }

        if (name is not null && name.Length == 0)
        {
            throw FerryException.BadParameter($"missing name after \"{kind}/\"; e.g. tctl get {kind}/NAME, or tctl get {kind} for all");
        }

        return new ResourceRef(canonical, name);
    }
}
